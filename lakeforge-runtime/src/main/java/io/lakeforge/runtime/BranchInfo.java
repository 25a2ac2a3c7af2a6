package io.lakeforge.runtime;

import io.lakeforge.annotations.BranchRef;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One branch as the Lakebase API reports it. Holds identifiers, the endpoint host and the expiry,
 * never a credential.
 *
 * @param ref the typed handle, accepted by {@link Lakebase#readWrite} and {@link
 *     LakebaseConfig.Builder#endpoint}
 * @param kind declared by the topology, ephemeral (not declared, expires) or other
 * @param sourceBranchId the id of the branch it was created from, or {@code null} for a root branch
 * @param host the read-write endpoint's host when it was looked up ({@link LakebaseBranches#create},
 *     {@link LakebaseBranches#find}), else {@code null}
 * @param expireTime when Lakebase deletes it, or {@code null} if it does not expire
 * @param isProtected whether Lakebase refuses to delete it
 * @param state the branch state ({@code READY}, {@code INIT}, …)
 */
public record BranchInfo(
    BranchRef ref,
    Kind kind,
    @Nullable String sourceBranchId,
    @Nullable String host,
    @Nullable Instant expireTime,
    boolean isProtected,
    String state) {

  /** Who owns a branch. */
  public enum Kind {
    /** A {@code @Branch} of the topology: owned by the bundle, never deleted by this API. */
    DECLARED,
    /** Not declared and expiring: a preview or test branch. */
    EPHEMERAL,
    /** Not declared and without expiry (made by hand, in the UI, …). */
    OTHER
  }

  /** {@code projects/<p>/branches/<b>}. */
  public String branchPath() {
    return ref.branchPath();
  }

  /** The branch id. */
  public String branchId() {
    return ref.branchId();
  }
}
