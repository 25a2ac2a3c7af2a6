package io.lakeforge.processor;

import static io.lakeforge.processor.Compiles.compile;
import static io.lakeforge.processor.Compiles.compileResources;
import static io.lakeforge.processor.Compiles.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/**
 * The wording of messages a new user met (issue 19, items 4 and 5): each says what is wrong with
 * the user's own declaration and what to do. Where each is reported (file and line) is
 * {@link ProcessorDiagnosticsTest}'s job.
 */
class MessagesTest {

  private static String message(Compilation c, String tag) {
    List<String> found = c.diagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR || d.getKind() == Diagnostic.Kind.WARNING)
        .map(d -> d.getMessage(Locale.ROOT))
        .filter(m -> m.startsWith("[" + tag + "]"))
        .toList();
    assertEquals(1, found.size(), () -> tag + " in " + c.diagnostics());
    return found.get(0);
  }

  private static Compilation project(String... members) {
    String[] lines = new String[members.length + 4];
    lines[0] = "package p;";
    lines[1] = "import io.lakeforge.annotations.*;";
    lines[2] = "@LakebaseProject(id = \"shop\") final class Topology {";
    System.arraycopy(members, 0, lines, 3, members.length);
    lines[lines.length - 1] = "}";
    return compile(source("p.Topology", lines));
  }

  @Test
  void ttlOnAProtectedBranchSaysWhichOfTheTwoToRemove() {
    String m = message(project("@Branch(protect = true, ttl = \"P7D\")"
        + " static final String STAGING = \"staging\";"), "LakeforgeExpiry");
    assertFalse(m.contains("or protect = true."), m);
    assertTrue(m.endsWith("Remove ttl to keep it protected, or remove protect = true if it is"
        + " meant to expire."), m);
  }

  @Test
  void aFieldThatIsNotAConstantIsShownWithItsOwnName() {
    String m = message(project("@Branch static String STAGING = \"staging\";"),
        "LakeforgeBranchField");
    assertTrue(m.endsWith("e.g. @Branch static final String STAGING = \"staging\";"), m);
    String role = message(project("@Branch static final String DEV = \"dev\";",
        "@Role(identity = Identity.GROUP, postgresRole = \"g\") static String SHOP_APP = \"x\";"),
        "LakeforgeBranchField");
    assertTrue(role.endsWith("e.g. @Role static final String SHOP_APP = \"shop-app\";"), role);
  }

  @Test
  void theExpiringBranchWarningNamesNoFileOfLakeforgesRepository() {
    String m = message(project("@Branch(ttl = \"P7D\") static final String PREVIEW = \"preview\";"),
        "LakeforgeExpiringBranch");
    assertFalse(m.contains("docs/"), m);
    assertTrue(m.contains("as an ephemeral branch outside the bundle, with LakebaseBranches"
        + " (lakeforge-runtime) or the command line's branch create --ttl"), m);
    assertTrue(m.endsWith("To accept this, annotate the field or class with"
        + " @SuppressWarnings(\"lakeforge:expiring-branch\"), or compile with"
        + " -Alakeforge.suppress=expiring-branch."), m);
  }

  @Test
  void theJavaConstantsNameSuggestsItsValue() {
    Compilation c = compileResources(List.of(), "bad/ConstantNames.java");
    String from = message(c, "LakeforgeSourceBranch");
    assertTrue(from.endsWith("Did you mean \"staging\", the value of STAGING? Annotations take"
        + " the id, not the constant's name."), from);
    String owner = message(c, "LakeforgeDatabaseOwner");
    assertTrue(owner.endsWith("Did you mean \"shop-app\", the value of SHOP_APP? Annotations"
        + " take the id, not the constant's name."), owner);
  }

  @Test
  void aSecondProtectedBranchNamesBothTheRuleItsSourceAndTheFix() {
    String m = message(compileResources(List.of(), "bad/Protected.java"),
        "LakeforgeProtectedBranch");
    assertEquals("[LakeforgeProtectedBranch] @Branch STAGING: protect = true, but @Branch"
        + " PRODUCTION is already protected, and Lakebase supports one protected branch per"
        + " project (Databricks documentation, Lakebase, \"Protected branches\"), so the deploy"
        + " would fail. Keep protect = true on one of PRODUCTION and STAGING, and remove it from"
        + " the other.", m);
  }

  @Test
  void aRenamedTagNamesItsFormerTag() {
    Compilation c = compile(source("p.Loose", "package p;",
        "import io.lakeforge.annotations.*;",
        "final class Loose { @Role(identity = Identity.GROUP, postgresRole = \"g\")"
            + " static final String APP = \"app-role\"; }"));
    String m = message(c, "LakeforgeOutsideProject");
    assertTrue(m.endsWith("(This check was tagged [LakeforgeOrphanBranch] before 0.2.)"), m);
  }
}
