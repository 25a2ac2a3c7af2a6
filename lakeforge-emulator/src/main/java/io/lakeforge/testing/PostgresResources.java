package io.lakeforge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;

/**
 * The Lakebase resources a bundle declares besides branches, as the Databricks CLI's direct engine
 * drives them: projects (with their permission list), endpoints, roles and databases, each created,
 * read, updated (by {@code update_mask}) and deleted through long-running operations. Branches stay
 * with {@link DatabricksEmulator}, which tells this class when one comes or goes.
 *
 * <p>Access follows the project's permission list once the project was created through the API:
 * reading needs any level, changing needs {@code CAN_MANAGE}; the creator starts with
 * {@code CAN_MANAGE}, and a {@code PUT} of the list replaces it whole, as the real API does.
 * Projects the emulator never saw created (tests that register branches directly) are open.
 */
final class PostgresResources {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BRANCH = "projects/[^/]+/branches/[^/]+";

  /** A resource below a project: its path, its branch (null for a project) and its spec. */
  static final class Resource {
    final String path;
    final String branch;
    final String id;
    final String uid = UUID.randomUUID().toString();
    final Instant created = Instant.now();
    volatile ObjectNode spec;

    Resource(String path, String branch, String id, ObjectNode spec) {
      this.path = path;
      this.branch = branch;
      this.id = id;
      this.spec = spec;
    }
  }

  private final DatabricksEmulator emulator;
  private final Map<String, Resource> projects = new ConcurrentHashMap<>();
  private final Set<String> deletedProjects = ConcurrentHashMap.newKeySet();
  private final Map<String, List<Map<String, String>>> permissions = new ConcurrentHashMap<>();
  private final Map<String, Resource> endpoints = new ConcurrentHashMap<>();
  private final Map<String, Resource> roles = new ConcurrentHashMap<>();
  private final Map<String, Resource> databases = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> operations = new ConcurrentHashMap<>();

  PostgresResources(DatabricksEmulator emulator) {
    this.emulator = emulator;
  }

  List<DatabricksEmulator.Route> routes() {
    String pg = "/api/2\\.0/postgres/";
    List<DatabricksEmulator.Route> routes = new ArrayList<>(List.of(
        DatabricksEmulator.Route.of("POST", pg + "projects", this::createProject),
        DatabricksEmulator.Route.of("GET", pg + "projects/([^/]+)", (x, m, who) ->
            get(x, who, m.group(1), projects.get(m.group(1)), this::projectJson)),
        DatabricksEmulator.Route.of("PATCH", pg + "projects/([^/]+)", (x, m, who) ->
            update(x, who, m.group(1), projects.get(m.group(1)), this::projectJson)),
        DatabricksEmulator.Route.of("DELETE", pg + "projects/([^/]+)", this::deleteProject),
        DatabricksEmulator.Route.of("GET", pg + "(projects/.+/operations/[^/]+)", this::operation),
        DatabricksEmulator.Route.of("GET", "/api/2\\.0/permissions/database-projects/([^/]+)",
            (x, m, who) -> getPermissions(x, who, m.group(1))),
        DatabricksEmulator.Route.of("PUT", "/api/2\\.0/permissions/database-projects/([^/]+)",
            (x, m, who) -> putPermissions(x, who, m.group(1)))));
    routes.addAll(child(pg, "endpoints", endpoints, this::endpointJson));
    routes.addAll(child(pg, "roles", roles, this::roleJson));
    routes.addAll(child(pg, "databases", databases, this::databaseJson));
    return routes;
  }

  /** Routes for create, get, update and delete of one kind of child of a branch. */
  private List<DatabricksEmulator.Route> child(String pg, String kind,
      Map<String, Resource> store, Function<Resource, Map<String, Object>> view) {
    String item = pg + "((" + BRANCH + ")/" + kind + "/[^/]+)";
    String idParam = kind.substring(0, kind.length() - 1) + "_id";
    List<DatabricksEmulator.Route> routes = new ArrayList<>(List.of(
        DatabricksEmulator.Route.of("POST", pg + "(" + BRANCH + ")/" + kind, (x, m, who) ->
            create(x, who, m.group(1), kind, idParam, store, view)),
        DatabricksEmulator.Route.of("PATCH", item, (x, m, who) ->
            update(x, who, project(m.group(1)), store.get(m.group(1)), view)),
        DatabricksEmulator.Route.of("DELETE", item, (x, m, who) ->
            deleteChild(x, who, store.get(m.group(1)), kind, store))));
    // GET of an endpoint is the emulator's own route: it also answers for branches it registered.
    if (!kind.equals("endpoints")) {
      routes.add(DatabricksEmulator.Route.of("GET", item, (x, m, who) ->
          get(x, who, project(m.group(1)), store.get(m.group(1)), view)));
    }
    return routes;
  }

  // ---- what the branches and the state view need ----------------------------------------------

  /** Whether this project was created through the API and still exists. */
  boolean known(String projectId) {
    return projects.containsKey(projectId);
  }

  boolean deleted(String projectId) {
    return deletedProjects.contains(projectId);
  }

  /**
   * Whether {@code who} may read ({@code manage} false) or change the project; sends 403 or 404 and
   * returns false otherwise.
   */
  boolean allowed(HttpExchange x, String who, String projectId, boolean manage)
      throws IOException {
    if (deletedProjects.contains(projectId) && !projects.containsKey(projectId)) {
      DatabricksEmulator.send(x, 404, DatabricksEmulator.error("NOT_FOUND",
          "project projects/" + projectId + " does not exist"));
      return false;
    }
    if (!projects.containsKey(projectId)) {
      return true;
    }
    String level = levelOf(projectId, who);
    boolean ok = manage ? "CAN_MANAGE".equals(level) : level != null;
    if (!ok) {
      DatabricksEmulator.send(x, 403, DatabricksEmulator.error("PERMISSION_DENIED",
          who + " does not have " + (manage ? "CAN_MANAGE" : "CAN_USE") + " on project "
              + projectId));
    }
    return ok;
  }

  /** The level {@code who} holds on the project through a direct grant, or null. */
  String levelOf(String projectId, String who) {
    for (Map<String, String> entry : permissions.getOrDefault(projectId, List.of())) {
      if (who.equals(entry.get("user_name")) || who.equals(entry.get("service_principal_name"))) {
        return entry.get("permission_level");
      }
    }
    return null;
  }

  /** A branch was created: it gets its {@code primary} read-write endpoint. */
  void branchCreated(String branchPath) {
    String path = branchPath + "/endpoints/primary";
    ObjectNode spec = JSON.createObjectNode().put("endpoint_type", "ENDPOINT_TYPE_READ_WRITE");
    endpoints.putIfAbsent(path, new Resource(path, branchPath, "primary", spec));
  }

  /** A branch is gone: so are its endpoints, roles and databases. */
  void branchGone(String branchPath) {
    String prefix = branchPath + "/";
    endpoints.keySet().removeIf(p -> p.startsWith(prefix));
    roles.keySet().removeIf(p -> p.startsWith(prefix));
    databases.keySet().removeIf(p -> p.startsWith(prefix));
  }

  /** The endpoint's JSON if the API created it (or its branch's primary), else null. */
  Map<String, Object> endpoint(String path) {
    Resource r = endpoints.get(path);
    return r == null ? null : endpointJson(r);
  }

  /** Whether the API created this endpoint (or it is the primary of a branch the API created). */
  boolean hasEndpoint(String path) {
    return endpoints.containsKey(path);
  }

  /** Projects with their permissions, endpoints, roles and databases, for the state view. */
  Map<String, Object> state() {
    Map<String, Object> out = new TreeMap<>();
    for (Resource p : projects.values()) {
      Map<String, Object> project = new LinkedHashMap<>();
      project.put("spec", p.spec);
      project.put("permissions", permissions.getOrDefault(p.id, List.of()));
      out.put(p.id, project);
    }
    return out;
  }

  Map<String, Object> children(String branchPath) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("endpoints", specs(endpoints, branchPath));
    out.put("roles", specs(roles, branchPath));
    out.put("databases", specs(databases, branchPath));
    return out;
  }

  private static Map<String, Object> specs(Map<String, Resource> store, String branchPath) {
    Map<String, Object> out = new TreeMap<>();
    for (Resource r : store.values()) {
      if (r.branch.equals(branchPath)) {
        out.put(r.id, r.spec);
      }
    }
    return out;
  }

  // ---- handlers --------------------------------------------------------------------------------

  private void createProject(HttpExchange x, Matcher m, String who) throws IOException {
    String id = DatabricksEmulator.query(x).getOrDefault("project_id", "");
    if (!id.matches("[a-z]([a-z0-9-]{0,61}[a-z0-9])?")) {
      DatabricksEmulator.send(x, 400, DatabricksEmulator.error("INVALID_PARAMETER_VALUE",
          "project_id must be 1-63 characters: a lowercase letter, then lowercase letters, digits"
              + " and hyphens"));
      return;
    }
    ObjectNode spec = spec(x);
    synchronized (this) {
      if (projects.containsKey(id)) {
        DatabricksEmulator.send(x, 409, DatabricksEmulator.error("ALREADY_EXISTS",
            "project with such id already exists"));
        return;
      }
      Resource p = new Resource("projects/" + id, null, id, spec);
      projects.put(id, p);
      deletedProjects.remove(id);
      // The creator manages what it created; a PUT of the list may later take that away.
      List<Map<String, String>> acl = new ArrayList<>();
      acl.add(grant(who, "CAN_MANAGE"));
      permissions.put(id, acl);
      emulator.projectCreated(id);
      branchCreated("projects/" + id + "/branches/production");
    }
    finish(x, "projects/" + id, projectJson(projects.get(id)));
  }

  private void deleteProject(HttpExchange x, Matcher m, String who) throws IOException {
    String id = m.group(1);
    Resource p = projects.get(id);
    if (p == null) {
      notFound(x, "project projects/" + id);
      return;
    }
    if (!allowed(x, who, id, true)) {
      return;
    }
    if (emulator.hasProtectedBranch(id)) {
      DatabricksEmulator.send(x, 400, DatabricksEmulator.error("FAILED_PRECONDITION",
          "cannot delete project projects/" + id + ": it has a protected branch"));
      return;
    }
    emulator.projectGone(id);
    projects.remove(id);
    permissions.remove(id);
    deletedProjects.add(id);
    finish(x, p.path, Map.of());
  }

  private void create(HttpExchange x, String who, String branchPath, String kind, String idParam,
      Map<String, Resource> store, Function<Resource, Map<String, Object>> view)
      throws IOException {
    String projectId = project(branchPath);
    if (!allowed(x, who, projectId, true)) {
      return;
    }
    if (!emulator.branchExists(branchPath)) {
      notFound(x, "branch " + branchPath);
      return;
    }
    Map<String, String> query = DatabricksEmulator.query(x);
    String id = query.getOrDefault(idParam, "");
    if (id.isEmpty()) {
      id = kind.substring(0, 2) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
    boolean replace = Boolean.parseBoolean(query.getOrDefault("replace_existing", "false"));
    ObjectNode spec = spec(x);
    String path = branchPath + "/" + kind + "/" + id;
    if (kind.equals("databases") && !spec.hasNonNull("role")) {
      DatabricksEmulator.send(x, 400, DatabricksEmulator.error("INVALID_PARAMETER_VALUE",
          "spec.role is required"));
      return;
    }
    Resource r;
    synchronized (this) {
      Resource old = store.get(path);
      if (old != null && !replace) {
        DatabricksEmulator.send(x, kind.equals("endpoints") ? 409 : 400,
            DatabricksEmulator.error(kind.equals("endpoints") ? "ALREADY_EXISTS" : "BAD_REQUEST",
                kind.substring(0, kind.length() - 1) + " with that name already exists"));
        return;
      }
      r = new Resource(path, branchPath, id, spec);
      store.put(path, r);
    }
    finish(x, path, view.apply(r));
  }

  private void get(HttpExchange x, String who, String projectId, Resource r,
      Function<Resource, Map<String, Object>> view) throws IOException {
    if (!allowed(x, who, projectId, false)) {
      return;
    }
    if (r == null) {
      notFound(x, x.getRequestURI().getPath().substring("/api/2.0/postgres/".length()));
      return;
    }
    DatabricksEmulator.send(x, 200, view.apply(r));
  }

  private void update(HttpExchange x, String who, String projectId, Resource r,
      Function<Resource, Map<String, Object>> view) throws IOException {
    if (!allowed(x, who, projectId, true)) {
      return;
    }
    if (r == null) {
      notFound(x, x.getRequestURI().getPath().substring("/api/2.0/postgres/".length()));
      return;
    }
    String mask = DatabricksEmulator.query(x).getOrDefault("update_mask", "");
    ObjectNode patch = spec(x);
    ObjectNode next = r.spec.deepCopy();
    for (String field : mask.split(",")) {
      String f = field.trim().replaceFirst("^spec\\.", "");
      if (f.isEmpty()) {
        continue;
      }
      String top = f.contains(".") ? f.substring(0, f.indexOf('.')) : f;
      if (patch.has(top)) {
        next.set(top, patch.get(top));
      } else {
        next.remove(top);
      }
    }
    r.spec = next;
    finish(x, r.path, view.apply(r));
  }

  private void deleteChild(HttpExchange x, String who, Resource r, String kind,
      Map<String, Resource> store) throws IOException {
    String path = x.getRequestURI().getPath().substring("/api/2.0/postgres/".length());
    if (!allowed(x, who, project(path), true)) {
      return;
    }
    if (r == null) {
      notFound(x, path);
      return;
    }
    if (kind.equals("endpoints") && r.id.equals("primary") && emulator.branchExists(r.branch)) {
      // Every branch keeps its read-write endpoint; it goes with the branch.
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
      info.put("reason", "RESOURCE_CONFLICT");
      info.put("metadata", Map.of("declarative_context", "MANAGED_BY_PARENT"));
      Map<String, Object> body = new LinkedHashMap<>(DatabricksEmulator.error("BAD_REQUEST",
          "the primary endpoint is managed by its branch"));
      body.put("details", List.of(info));
      DatabricksEmulator.send(x, 400, body);
      return;
    }
    store.remove(r.path);
    finish(x, r.path, Map.of());
  }

  private void operation(HttpExchange x, Matcher m, String who) throws IOException {
    Map<String, Object> op = operations.get(m.group(1));
    if (op == null) {
      emulator.branchOperation(x, m.group(1));
      return;
    }
    DatabricksEmulator.send(x, 200, op);
  }

  private void getPermissions(HttpExchange x, String who, String projectId) throws IOException {
    if (!projects.containsKey(projectId)) {
      notFound(x, "project " + projectId);
      return;
    }
    if (!allowed(x, who, projectId, false)) {
      return;
    }
    List<Object> acl = new ArrayList<>();
    for (Map<String, String> entry : permissions.getOrDefault(projectId, List.of())) {
      Map<String, Object> e = new LinkedHashMap<>();
      entry.forEach((k, v) -> {
        if (!k.equals("permission_level")) {
          e.put(k, v);
        }
      });
      e.put("all_permissions", List.of(Map.of("permission_level", entry.get("permission_level"),
          "inherited", false)));
      acl.add(e);
    }
    DatabricksEmulator.send(x, 200, Map.of("object_id", "/database-projects/" + projectId,
        "object_type", "database-projects", "access_control_list", acl));
  }

  private void putPermissions(HttpExchange x, String who, String projectId) throws IOException {
    if (!projects.containsKey(projectId)) {
      notFound(x, "project " + projectId);
      return;
    }
    if (!allowed(x, who, projectId, true)) {
      return;
    }
    List<Map<String, String>> acl = new ArrayList<>();
    for (JsonNode e : DatabricksEmulator.json(x).path("access_control_list")) {
      Map<String, String> entry = new TreeMap<>();
      e.fields().forEachRemaining(f -> entry.put(f.getKey(), f.getValue().asText()));
      acl.add(entry);
    }
    permissions.put(projectId, acl);
    getPermissions(x, who, projectId);
  }

  // ---- JSON ------------------------------------------------------------------------------------

  private Map<String, Object> projectJson(Resource p) {
    Map<String, Object> json = base(p);
    json.put("project_id", p.id);
    json.put("status", p.spec);
    return json;
  }

  private Map<String, Object> endpointJson(Resource e) {
    Map<String, Object> json = base(e);
    json.put("endpoint_id", e.id);
    json.put("parent", e.branch);
    ObjectNode status = e.spec.deepCopy();
    status.put("current_state", "ACTIVE");
    status.putObject("hosts").put("host", emulator.hostOf(e.branch));
    json.put("status", status);
    return json;
  }

  private Map<String, Object> roleJson(Resource r) {
    Map<String, Object> json = base(r);
    json.put("role_id", r.id);
    json.put("parent", r.branch);
    json.put("status", r.spec.deepCopy().put("role_id", r.id));
    return json;
  }

  private Map<String, Object> databaseJson(Resource d) {
    Map<String, Object> json = base(d);
    json.put("database_id", d.id);
    json.put("parent", d.branch);
    json.put("status", d.spec.deepCopy().put("database_id", d.id));
    return json;
  }

  private static Map<String, Object> base(Resource r) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", r.path);
    json.put("uid", r.uid);
    json.put("create_time", r.created.toString());
    return json;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Answers with a finished operation and keeps it for the poll the SDK always makes. */
  void finish(HttpExchange x, String resource, Map<String, Object> response)
      throws IOException {
    String name = resource + "/operations/" + UUID.randomUUID();
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("name", name);
    op.put("done", true);
    op.put("response", response);
    operations.put(name, op);
    DatabricksEmulator.send(x, 200, op);
  }

  private static ObjectNode spec(HttpExchange x) throws IOException {
    JsonNode spec = DatabricksEmulator.json(x).path("spec");
    return spec instanceof ObjectNode o ? o : JSON.createObjectNode();
  }

  private static Map<String, String> grant(String who, String level) {
    Map<String, String> entry = new TreeMap<>();
    entry.put(who.matches("[0-9a-f-]{36}") || !who.contains("@") ? "service_principal_name"
        : "user_name", who);
    entry.put("permission_level", level);
    return entry;
  }

  private static String project(String path) {
    String rest = path.substring("projects/".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  private static void notFound(HttpExchange x, String what) throws IOException {
    DatabricksEmulator.send(x, 404, DatabricksEmulator.error("NOT_FOUND", what + " id not found"));
  }
}
