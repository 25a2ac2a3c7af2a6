package io.lakeforge.testing;

import io.lakeforge.annotations.BranchRef;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * The source branch of a {@link LakebaseTestBranch @LakebaseTestBranch} test ({@code from}), as a
 * test parameter, for isolation checks: a write on the test branch is invisible here, and the
 * reverse. It connects to the same database as the test branch, through the source's read-write
 * endpoint and a minted credential, with a pool owned by the test branch (closed with it).
 *
 * <pre>{@code
 * @Test
 * void isolated(DSLContext branch, SourceBranch source) {
 *   branch.execute("create table scratch (id int)");
 *   assertNull(source.dsl().fetchValue("select to_regclass('scratch')"));
 * }
 * }</pre>
 *
 * <p>Writes through it change the source itself: in workspace mode the real declared branch;
 * offline the one server every declared branch of the JVM starts from, so later test branches (of
 * any class) copy them. Write there only what the test removes again.
 */
public final class SourceBranch {

  private final TestBranch branch;

  SourceBranch(TestBranch branch) {
    this.branch = branch;
  }

  /** The source branch's handle, with the test branch's database. */
  public BranchRef ref() {
    return branch.sourceRef();
  }

  /** A pooled DataSource of the source branch's read-write endpoint. */
  public DataSource dataSource() {
    return branch.sourcePool();
  }

  /** jOOQ over {@link #dataSource()}. */
  public DSLContext dsl() {
    return branch.sourcePool().dsl();
  }

  /** Identifiers only. */
  @Override
  public String toString() {
    return "SourceBranch[" + ref().branchPath() + "?database=" + ref().database() + "]";
  }
}
