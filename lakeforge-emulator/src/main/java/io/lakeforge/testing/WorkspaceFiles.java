package io.lakeforge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The workspace file calls the Databricks CLI makes to keep a bundle's state and deployment lock:
 * {@code workspace/get-status}, {@code workspace/export}, {@code workspace/mkdirs},
 * {@code workspace/delete}, {@code workspace-files/import-file/...} and the raw read
 * {@code workspace-files/...}. In memory; a folder below {@code /Workspace/Users/<name>/} can be
 * written only by that identity, as in a workspace where nobody shared a home folder for writing,
 * and read by every identity (the plan principal reads the deploy principal's state).
 */
final class WorkspaceFiles {

  private static final String USERS = "/Workspace/Users/";

  /** A workspace object: a folder (no content) or a file. */
  private record Node(long id, byte[] content, long modified) {
    boolean directory() {
      return content == null;
    }
  }

  private final Map<String, Node> nodes = new TreeMap<>();
  private final AtomicLong ids = new AtomicLong(1000);

  WorkspaceFiles() {
    nodes.put("/", new Node(ids.incrementAndGet(), null, System.currentTimeMillis()));
  }

  /** Routes of this API, for the emulator's table. */
  List<DatabricksEmulator.Route> routes() {
    return List.of(
        DatabricksEmulator.Route.of("GET", "/api/2\\.0/workspace/get-status", (x, m, who) -> getStatus(x)),
        DatabricksEmulator.Route.of("GET", "/api/2\\.0/workspace/export", (x, m, who) -> export(x)),
        DatabricksEmulator.Route.of("POST", "/api/2\\.0/workspace/mkdirs", this::mkdirs),
        DatabricksEmulator.Route.of("POST", "/api/2\\.0/workspace/delete", this::delete),
        DatabricksEmulator.Route.of("POST", "/api/2\\.0/workspace-files/import-file(/.+)", this::importFile),
        DatabricksEmulator.Route.of("GET", "/api/2\\.0/workspace-files(/.+)",
            (x, m, who) -> read(x, normalize(m.group(1)))));
  }

  /** Whether a file or folder exists at {@code path}. */
  synchronized boolean exists(String path) {
    return nodes.containsKey(normalize(path));
  }

  /** The content of the file at {@code path}, or null. */
  synchronized byte[] file(String path) {
    Node n = nodes.get(normalize(path));
    return n == null || n.directory() ? null : n.content().clone();
  }

  /** Writes a file as its owner would, creating its folders (tests that arrange a stale lock). */
  synchronized void put(String path, byte[] content) {
    String p = normalize(path);
    makeDirs(parent(p));
    nodes.put(p, new Node(ids.incrementAndGet(), content.clone(), System.currentTimeMillis()));
  }

  /** Every path below {@code /} for the emulator's state view. */
  synchronized List<String> paths() {
    return List.copyOf(nodes.keySet());
  }

  private void getStatus(HttpExchange x) throws IOException {
    String path = normalize(DatabricksEmulator.query(x).getOrDefault("path", ""));
    Node n;
    synchronized (this) {
      n = nodes.get(path);
    }
    if (n == null) {
      missing(x, path);
      return;
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("object_type", n.directory() ? "DIRECTORY" : "FILE");
    status.put("path", path);
    status.put("object_id", n.id());
    if (!n.directory()) {
      status.put("size", n.content().length);
      status.put("modified_at", n.modified());
    }
    DatabricksEmulator.send(x, 200, status);
  }

  private void export(HttpExchange x) throws IOException {
    read(x, normalize(DatabricksEmulator.query(x).getOrDefault("path", "")));
  }

  private void read(HttpExchange x, String path) throws IOException {
    byte[] content = file(path);
    if (content == null) {
      missing(x, path);
      return;
    }
    x.getResponseHeaders().set("Content-Type", "application/octet-stream");
    x.sendResponseHeaders(200, content.length == 0 ? -1 : content.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(content);
    }
  }

  private void mkdirs(HttpExchange x, java.util.regex.Matcher m, String who) throws IOException {
    String path = normalize(DatabricksEmulator.json(x).path("path").asText(""));
    if (!writable(x, path, who)) {
      return;
    }
    synchronized (this) {
      Node n = nodes.get(path);
      if (n != null && !n.directory()) {
        DatabricksEmulator.send(x, 400, DatabricksEmulator.error("RESOURCE_ALREADY_EXISTS",
            "Path (" + path + ") already exists and is not a directory."));
        return;
      }
      makeDirs(path);
    }
    DatabricksEmulator.send(x, 200, Map.of());
  }

  private void delete(HttpExchange x, java.util.regex.Matcher m, String who) throws IOException {
    JsonNode body = DatabricksEmulator.json(x);
    String path = normalize(body.path("path").asText(""));
    if (!writable(x, path, who)) {
      return;
    }
    boolean recursive = body.path("recursive").asBoolean(false);
    synchronized (this) {
      Node n = nodes.get(path);
      if (n == null) {
        missing(x, path);
        return;
      }
      String prefix = path.endsWith("/") ? path : path + "/";
      List<String> below = nodes.keySet().stream().filter(p -> p.startsWith(prefix)).toList();
      if (!below.isEmpty() && !recursive) {
        DatabricksEmulator.send(x, 400, DatabricksEmulator.error("DIRECTORY_NOT_EMPTY",
            "Folder (" + path + ") is not empty."));
        return;
      }
      below.forEach(nodes::remove);
      nodes.remove(path);
    }
    DatabricksEmulator.send(x, 200, Map.of());
  }

  private void importFile(HttpExchange x, java.util.regex.Matcher m, String who)
      throws IOException {
    String path = normalize(m.group(1));
    boolean overwrite = Boolean.parseBoolean(DatabricksEmulator.query(x)
        .getOrDefault("overwrite", "false"));
    byte[] content = x.getRequestBody().readAllBytes();
    if (!writable(x, path, who)) {
      return;
    }
    synchronized (this) {
      Node parent = nodes.get(parent(path));
      if (parent == null || !parent.directory()) {
        missing(x, parent(path));
        return;
      }
      Node old = nodes.get(path);
      if (old != null && (old.directory() || !overwrite)) {
        DatabricksEmulator.send(x, 409, DatabricksEmulator.error("RESOURCE_ALREADY_EXISTS",
            "Path (" + path + ") already exists."));
        return;
      }
      nodes.put(path, new Node(old == null ? ids.incrementAndGet() : old.id(), content,
          System.currentTimeMillis()));
    }
    DatabricksEmulator.send(x, 200, Map.of());
  }

  /** Sends 403 and returns false unless {@code who} may write {@code path}. */
  private static boolean writable(HttpExchange x, String path, String who) throws IOException {
    if (path.startsWith(USERS)) {
      String rest = path.substring(USERS.length());
      String owner = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
      if (!owner.equals(who)) {
        DatabricksEmulator.send(x, 403, DatabricksEmulator.error("PERMISSION_DENIED",
            who + " does not have Manage permissions on " + path + "."));
        return false;
      }
    }
    return true;
  }

  private void makeDirs(String path) {
    for (String p = path; !p.equals("/") && !nodes.containsKey(p); p = parent(p)) {
      nodes.put(p, new Node(ids.incrementAndGet(), null, System.currentTimeMillis()));
    }
  }

  private static void missing(HttpExchange x, String path) throws IOException {
    DatabricksEmulator.send(x, 404, DatabricksEmulator.error("RESOURCE_DOES_NOT_EXIST",
        "Path (" + path + ") doesn't exist."));
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private static String normalize(String path) {
    String p = path.startsWith("/") ? path : "/" + path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
