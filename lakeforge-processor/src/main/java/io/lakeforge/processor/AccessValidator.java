package io.lakeforge.processor;

import io.lakeforge.processor.ProjectSettings.GrantSpec;
import io.lakeforge.processor.ProjectSettings.TagSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks roles, databases and project settings of a {@link Topology} against the bundle schema
 * ({@code bundle/schema/jsonschema.json} of the Databricks CLI) and Lakebase's behaviour. Adds to
 * the validator's report; never throws for bad input.
 */
final class AccessValidator {

  static final String ID_RULE = "role and database ids are 4-63 characters: a lowercase letter,"
      + " then lowercase letters, digits and hyphens, not ending with a hyphen";

  /** Databases every branch already has: Postgres' own, and Lakebase's default one. */
  static final Set<String> EXISTING_DATABASES =
      Set.of("postgres", "template0", "template1", "databricks_postgres");

  private final Topology topology;
  private final Report report;
  private final Set<String> branchIds = new HashSet<>();

  private AccessValidator(Topology topology, Report report) {
    this.topology = topology;
    this.report = report;
    topology.branches().forEach(b -> branchIds.add(b.id()));
  }

  static void validate(Topology topology, Report report) {
    AccessValidator v = new AccessValidator(topology, report);
    v.checkRoles();
    v.checkDatabases();
    v.checkSettings();
  }

  static boolean isValidId(String id) {
    return id.length() >= 4 && Ids.isValid(id);
  }

  private void checkRoles() {
    List<RoleSpec> roles = topology.roles();
    Map<String, Integer> byId = new HashMap<>();
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < roles.size(); i++) {
      RoleSpec r = roles.get(i);
      String who = "@Role " + r.constantName();
      if (!isValidId(r.id())) {
        report.add(Rule.ROLE_ID, r, null, who + ": role id " + Ids.quote(r.id())
            + " is not a valid Lakebase role id: " + ID_RULE + "." + Suggestions.validForm(r.id(), 4));
      }
      Integer same = byId.putIfAbsent(r.id(), i);
      if (same != null) {
        report.add(Rule.DUPLICATE_ACCESS, r, null, who + ": role id "
            + Ids.quote(r.id()) + " is already used by @Role " + roles.get(same).constantName()
            + ". Role ids must be unique on a branch; rename one of them.");
      }
      checkIdentity(i, r, who);
      checkBranchList(r, who, r.branches(), null);
      if (!r.postgresRole().isBlank()) {
        Integer sameName = byName.putIfAbsent(r.postgresRole(), i);
        if (sameName != null && overlap(r.branchIds(topology), roles.get(sameName).branchIds(topology))) {
          report.add(Rule.DUPLICATE_ACCESS, r, "postgresRole", who + ": postgresRole "
              + Ids.quote(r.postgresRole()) + " is already declared by @Role "
              + roles.get(sameName).constantName() + " on the same branch, and a Postgres role"
              + " name exists once per branch. Declare the identity once.");
        }
      }
    }
  }

  private void checkIdentity(int i, RoleSpec r, String who) {
    String name = r.postgresRole();
    if (name.isBlank()) {
      report.add(Rule.ROLE_IDENTITY, r, "postgresRole", who + ": postgresRole is"
          + " empty, but a role bound to a Databricks identity is named after it. Write the "
          + what(r.identity()) + ", or a bundle variable such as \"${var.app_principal}\".");
      return;
    }
    if (Values.isReference(name)) {
      checkVariable(r, "postgresRole", who + ": postgresRole", name);
      return;
    }
    boolean fits = switch (r.identity()) {
      case "SERVICE_PRINCIPAL" -> Values.UUID.matcher(name).matches();
      case "USER" -> Values.EMAIL.matcher(name).matches();
      default -> true;
    };
    if (!fits) {
      report.add(Rule.ROLE_IDENTITY, r, "postgresRole", who + ": postgresRole "
          + Ids.quote(name) + " is not a " + what(r.identity()) + ", which is the Postgres role"
          + " name of a " + r.identity() + " identity. Write it, or a bundle variable such as"
          + " \"${var.app_principal}\" declared in databricks.yml.");
    }
  }

  private static String what(String identity) {
    return switch (identity) {
      case "SERVICE_PRINCIPAL" -> "service principal's application id (a UUID)";
      case "USER" -> "user name (an e-mail address)";
      default -> "group name";
    };
  }

  private void checkDatabases() {
    List<DatabaseSpec> databases = topology.databases();
    Map<String, Integer> byId = new HashMap<>();
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < databases.size(); i++) {
      DatabaseSpec d = databases.get(i);
      String who = "@Database " + d.constantName();
      if (!isValidId(d.id())) {
        report.add(Rule.DATABASE_ID, d, null, who + ": database id "
            + Ids.quote(d.id()) + " is not a valid Lakebase database id: " + ID_RULE + "."
            + Suggestions.validForm(d.id(), 4));
      }
      Integer same = byId.putIfAbsent(d.id(), i);
      if (same != null) {
        report.add(Rule.DUPLICATE_ACCESS, d, null, who + ": database id "
            + Ids.quote(d.id()) + " is already used by @Database "
            + databases.get(same).constantName() + ". Rename one of them.");
      }
      String name = d.postgresName();
      String nameAttribute = d.name().isEmpty() ? null : "name";
      if (!Values.POSTGRES_IDENTIFIER.matcher(name).matches()) {
        report.add(Rule.POSTGRES_NAME, d, nameAttribute, who + ": database name "
            + Ids.quote(name) + " is not a lowercase Postgres identifier (a letter or _, then"
            + " letters, digits, _ or $; at most 63 characters), so SQL and connection strings"
            + " would name it differently. Write name = \"" + suggestName(name) + "\".");
      } else if (EXISTING_DATABASES.contains(name)) {
        report.add(Rule.POSTGRES_NAME, d, nameAttribute, who + ": database "
            + Ids.quote(name) + " already exists on every branch, so creating it would fail."
            + " Choose another name.");
      }
      RoleSpec owner = topology.role(d.owner());
      if (owner == null) {
        report.add(Rule.DATABASE_OWNER, d, "owner", who + ": owner "
            + Ids.quote(d.owner()) + " names no @Role of this project, and a database needs an"
            + " owning role. Declare the role with @Role, or name one." + Suggestions.declared(d.owner(), topology.roleConstants()));
        continue;
      }
      List<String> ownerBranches = owner.branchIds(topology);
      checkBranchList(d, who, d.branches(), ownerBranches);
      Integer sameName = byName.putIfAbsent(name, i);
      if (sameName != null
          && overlap(d.branchIds(topology), databases.get(sameName).branchIds(topology))) {
        report.add(Rule.DUPLICATE_ACCESS, d, nameAttribute, who + ": database"
            + " name " + Ids.quote(name) + " is already declared by @Database "
            + databases.get(sameName).constantName() + " on the same branch. Rename one.");
      }
    }
  }

  /**
   * Checks a {@code branches} list: every id a branch of the topology and, for a database, one
   * its owner is declared on.
   */
  private void checkBranchList(
      Object subject, String who, List<String> listed, List<String> ownerBranches) {
    Set<String> seen = new HashSet<>();
    for (String id : listed) {
      if (!seen.add(id)) {
        report.add(Rule.ACCESS_BRANCHES, subject, "branches", who + ": branches lists "
            + Ids.quote(id) + " twice. List each branch once.");
      } else if (!branchIds.contains(id)) {
        report.add(Rule.ACCESS_BRANCHES, subject, "branches", who + ": branches lists "
            + Ids.quote(id) + ", which is no branch of this project. List declared branches, or"
            + " leave branches empty for every branch." + Suggestions.declared(id, topology.branchConstants()));
      } else if (ownerBranches != null && !ownerBranches.contains(id)) {
        report.add(Rule.DATABASE_OWNER, subject, "branches", who + ": its owner is not"
            + " declared on branch " + Ids.quote(id) + ", and a database needs its owning role on"
            + " the same branch. Add the branch to the owner's @Role(branches).");
      }
    }
  }

  private void checkSettings() {
    ProjectSettings s = topology.settings();
    Set<String> principals = new HashSet<>();
    for (GrantSpec g : s.grants()) {
      List<String[]> named = new ArrayList<>();
      if (!g.group().isEmpty()) {
        named.add(new String[] {"group", g.group()});
      }
      if (!g.user().isEmpty()) {
        named.add(new String[] {"user", g.user()});
      }
      if (!g.servicePrincipal().isEmpty()) {
        named.add(new String[] {"servicePrincipal", g.servicePrincipal()});
      }
      if (named.size() != 1) {
        report.add(Rule.GRANT, null, "grants", "@Grant(level = "
            + g.level() + ") names " + named.size() + " principals; a permission goes to exactly"
            + " one group, user or service principal. Write one @Grant per principal.");
        continue;
      }
      String kind = named.get(0)[0];
      String value = named.get(0)[1];
      if (!principals.add(kind + ":" + value)) {
        report.add(Rule.GRANT, null, "grants", "@Grant " + kind + " "
            + Ids.quote(value) + " is granted twice; the bundle keeps one level per principal."
            + " Keep the one you mean.");
      } else if (Values.isReference(value)) {
        checkVariable(null, "grants", "@Grant " + kind, value);
      } else if (kind.equals("servicePrincipal") && !Values.UUID.matcher(value).matches()) {
        report.add(Rule.GRANT, null, "grants", "@Grant"
            + " servicePrincipal " + Ids.quote(value) + " is not an application id (a UUID)."
            + " Write it, or a bundle variable such as \"${var.app_principal}\".");
      } else if (kind.equals("user") && !Values.EMAIL.matcher(value).matches()) {
        report.add(Rule.GRANT, null, "grants", "@Grant user "
            + Ids.quote(value) + " is not a user name (an e-mail address). Write it, or grant"
            + " a group.");
      }
    }
    Set<String> keys = new HashSet<>();
    for (TagSpec t : s.tags()) {
      if (t.key().isBlank()) {
        report.add(Rule.TAG, null, "tags", "@Tag with value "
            + Ids.quote(t.value()) + " has an empty key. Name the tag.");
      } else if (!keys.add(t.key())) {
        report.add(Rule.TAG, null, "tags", "@Tag key "
            + Ids.quote(t.key()) + " is used twice; a project has one value per tag key. Keep one.");
      } else if (Values.isReference(t.value())) {
        checkVariable(null, "tags", "@Tag " + t.key(), t.value());
      }
    }
    if (Values.isReference(s.budgetPolicyId())) {
      checkVariable(null, "budgetPolicyId", "@LakebaseProject"
          + " budgetPolicyId", s.budgetPolicyId());
    }
    if (!s.historyRetention().isEmpty()
        && Values.seconds(s.historyRetention(), Values.MIN_HISTORY, Values.MAX_HISTORY) == null) {
      report.add(Rule.HISTORY_RETENTION, null, "historyRetention",
          "@LakebaseProject historyRetention " + Ids.quote(s.historyRetention()) + " is not a"
              + " retention Lakebase accepts: a whole number of seconds from 2 to 35 days. Write"
              + " an ISO-8601 duration from \"P2D\" to \"P35D\", or leave it empty for the"
              + " default.");
    }
    checkSuspend(null, "defaultSuspendTimeout", "@LakebaseProject",
        s.defaultSuspendTimeout(), report);
  }

  /** Suspend timeout: empty, {@code never}, or 60 s to 7 days in whole seconds. */
  static void checkSuspend(Object subject, String attribute, String who, String value,
      Report report) {
    if (value.isEmpty() || value.equals(io.lakeforge.annotations.Branch.NEVER)) {
      return;
    }
    if (Values.seconds(value, Values.MIN_SUSPEND, Values.MAX_SUSPEND) == null) {
      report.add(Rule.SUSPEND_TIMEOUT, subject, attribute, who + " "
          + attribute + " " + Ids.quote(value) + " is not a suspend timeout Lakebase accepts: a"
          + " whole number of seconds from 60 s to 7 days. Write an ISO-8601 duration from"
          + " \"PT1M\" to \"P7D\", \"never\" for no suspension, or leave it empty for the"
          + " default.");
    }
  }

  private void checkVariable(Object subject, String attribute, String who, String value) {
    if (!Values.isVariable(value)) {
      report.add(Rule.VARIABLE, subject, attribute, who + " " + Ids.quote(value) + " is not a"
          + " bundle variable reference the bundle can resolve: write the whole value as"
          + " \"${var.name}\" (a name of letters and digits joined by - or _), and declare the"
          + " variable in databricks.yml.");
    }
  }

  private static boolean overlap(List<String> a, List<String> b) {
    return a.stream().anyMatch(b::contains);
  }

  private static String suggestName(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_$]", "_");
    s = s.isEmpty() || Character.isDigit(s.charAt(0)) || s.charAt(0) == '$' ? "_" + s : s;
    return s.length() > 63 ? s.substring(0, 63) : s;
  }
}
