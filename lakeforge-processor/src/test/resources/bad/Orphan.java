package bad;

import io.lakeforge.annotations.Branch;

final class Orphan {
  @Branch static final String LOST = "lost"; // expect-error: LakeforgeOutsideProject
}
