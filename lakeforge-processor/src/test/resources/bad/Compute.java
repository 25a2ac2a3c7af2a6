package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "compute", defaultSuspendTimeout = "PT59S") // expect-error: LakeforgeSuspendTimeout // expect-warning: LakeforgeBranchCount
final class Compute {
  @Branch(suspendTimeout = "PT59S") // expect-error: LakeforgeSuspendTimeout
  static final String TOO_SHORT = "too-short";
  @Branch(suspendTimeout = "PT60S")
  static final String SHORTEST = "shortest";
  @Branch(suspendTimeout = "P7D")
  static final String LONGEST = "longest";
  @Branch(primarySuspendTimeout = "PT168H1S") // expect-error: LakeforgeSuspendTimeout
  static final String TOO_LONG = "too-long";
  @Branch(suspendTimeout = "PT90.5S") // expect-error: LakeforgeSuspendTimeout
  static final String FRACTION = "fraction";
  @Branch(primarySuspendTimeout = "5 minutes") // expect-error: LakeforgeSuspendTimeout
  static final String PROSE = "prose";
  @Branch(suspendTimeout = Branch.NEVER, primarySuspendTimeout = "never")
  static final String NEVER = "never-suspends";
  @Branch(readOnlyEndpoint = "", suspendTimeout = "PT5M") // expect-error: LakeforgeNoReadOnlyEndpoint
  static final String NO_READ_ONLY = "no-read-only";
  @Branch(readOnlyEndpoint = "", pgSettings = "work_mem=4MB") // expect-error: LakeforgeNoReadOnlyEndpoint
  static final String NO_READ_ONLY_SETTINGS = "no-ro-settings";
  @Branch(primaryComputes = -1) // expect-error: LakeforgeHighAvailability
  static final String NEGATIVE = "negative";
  @Branch(primaryComputes = 1)
  static final String SINGLE = "single";
  @Branch(pgSettings = "work_mem") // expect-error: LakeforgePgSettings
  static final String NO_VALUE = "no-value";
  @Branch(primaryPgSettings = {"work mem=4MB"}) // expect-error: LakeforgePgSettings
  static final String BAD_NAME = "bad-name";
  @Branch(primaryPgSettings = {"work_mem=4MB", "work_mem = 8MB"}) // expect-error: LakeforgePgSettings
  static final String TWICE = "twice";
  @Branch(allowDestroy = true) // expect-warning: LakeforgeLifecycle
  static final String NOT_PROTECTED = "not-protected";
}
