package io.lakeforge.runtime;

/**
 * The LakeForge object was closed: the call, or the stage it returned, did not run. Raised for
 * calls after {@code close()} and for work still pending when {@code close()} ran.
 */
public final class LakebaseClosedException extends LakebaseException {
  private static final long serialVersionUID = 1L;

  /** With a message naming what was closed. */
  public LakebaseClosedException(String message) {
    super(message);
  }
}
