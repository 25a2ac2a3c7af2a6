/**
 * LakeForge's annotations ({@code @LakebaseProject}, {@code @Branch}, {@code @Role},
 * {@code @Database}) and the typed handles the generated accessor returns ({@link
 * io.lakeforge.annotations.BranchRef} and the others). A real module, so a team's named module
 * can say {@code requires transitive io.lakeforge.annotations;} (or {@code requires static}) and
 * still build under {@code -Xlint:all -Werror}: an automatic module there draws javac's
 * {@code [requires-transitive-automatic]} or {@code [requires-automatic]} warning. On the class
 * path (LakeForge's own modules, the processor's path) this descriptor is ignored; the processor
 * reads the annotations by their names either way.
 */
module io.lakeforge.annotations {
  exports io.lakeforge.annotations;
}
