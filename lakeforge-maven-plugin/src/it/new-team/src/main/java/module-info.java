/**
 * The team's topology as a named module. {@code requires transitive}: the generated, exported
 * {@code Branches} returns {@code BranchRef}. It builds under {@code -Xlint:all -Werror} because
 * io.lakeforge.annotations is a real module (an automatic one would draw
 * {@code [requires-transitive-automatic]}).
 */
module com.example.shop {
  requires transitive io.lakeforge.annotations;

  exports com.example.shop;
}
