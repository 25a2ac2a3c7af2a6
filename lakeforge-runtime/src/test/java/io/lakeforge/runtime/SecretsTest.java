package io.lakeforge.runtime;

import static io.lakeforge.testing.DatabricksEmulator.Fault.MALFORMED;
import static io.lakeforge.testing.DatabricksEmulator.Fault.STATUS_429;
import static io.lakeforge.testing.DatabricksEmulator.Fault.STATUS_500;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.LogCapture;
import io.lakeforge.testing.TestLakebase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No token, password or client secret appears in logs (every level, every library), exception
 * messages and traces, or {@code toString()}, across success, retries, failures and 28P01.
 */
class SecretsTest {

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  @Test
  void noSecretAppearsInLogsExceptionsOrToString() throws Exception {
    List<String> texts = exercise(new LogCapture(LogCapture.LAKEFORGE_AND_DRIVERS));
    assertNoneContains(texts, emulator.secrets());
  }

  /**
   * With the SDK's own DEBUG request log on, Lakebase credentials still stay out of it: LakeForge
   * gives its calls a config that truncates logged values. (The SDK prints its own OAuth access
   * tokens at DEBUG; keep {@code com.databricks} at INFO in production, see docs/operations.md.)
   */
  @Test
  void lakebaseCredentialsStayOutOfTheSdkDebugLog() throws Exception {
    String[] verbose = {"io.lakeforge", "io.agroal", "org.postgresql", "org.jooq", "com.databricks"};
    List<String> texts = exercise(new LogCapture(verbose));
    assertTrue(texts.get(texts.size() - 1).contains("POST /api/2.0/postgres/credentials"),
        "the SDK debug log was captured");
    List<String> secrets = new ArrayList<>(emulator.mintedTokens());
    secrets.add(emulator.clientSecret());
    assertNoneContains(texts, secrets);
  }

  private List<String> exercise(LogCapture capture) throws Exception {
    List<String> texts = new ArrayList<>();
    try (LogCapture logs = capture) {
      LakebasePool pool = LakebasePool.create(env.config().apiAttempts(3).build(), env.client());
      texts.add(pool.toString());
      texts.add(pool.stats().toString());
      texts.add(env.config().build().toString());
      emulator.failNext(STATUS_429, MALFORMED);
      try (Connection c = pool.getConnection()) {
        c.createStatement().execute("select 1");
      }
      // 28P01 path: the cached credential is revoked behind the pool's back.
      emulator.revokeCurrent();
      Connection held = pool.getConnection();
      pool.getConnection().close();
      // Exhausted retries.
      emulator.failNext(STATUS_500, STATUS_500, STATUS_500, MALFORMED, MALFORMED, MALFORMED);
      pool.close();
      held.close();
      LakebasePool failing = LakebasePool.create(env.config().apiAttempts(3).build(), env.client());
      SQLException e = assertThrows(SQLException.class, failing::getConnection);
      texts.add(trace(e));
      failing.close();
      texts.add(logs.text());
      assertTrue(logs.count() > 0, "logging was captured");
    }
    String minted = new Minted("emu-pg-not-a-real-one", Instant.now(), Instant.now()).toString();
    assertFalse(minted.contains("emu-pg-not-a-real-one"));
    return texts;
  }

  private static void assertNoneContains(List<String> texts, List<String> secrets) {
    assertTrue(secrets.size() > 2, "credentials were minted");
    for (String text : texts) {
      for (String secret : secrets) {
        assertFalse(text.contains(secret), () -> "a secret leaked into: " + around(text, secret));
      }
    }
  }

  @Test
  void credentialExceptionsCarryNoSdkExceptionThatMightQuoteABody() {
    emulator.failNext(MALFORMED, MALFORMED);
    try (LakebasePool pool = LakebasePool.create(
        env.config().apiAttempts(2).apiTimeout(Duration.ofSeconds(2)).build(), env.client())) {
      SQLException e = assertThrows(SQLException.class, pool::getConnection);
      assertTrue(e.getMessage().contains("unreadable answer"), e.getMessage());
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertFalse(t.getClass().getName().startsWith("com.databricks"), t.getClass().getName());
        assertFalse(String.valueOf(t.getMessage()).contains("trunc"), t.getMessage());
      }
    }
  }

  /**
   * Tokens live only in package-private types; no public type has a public or protected method
   * that returns one of them, or returns text named after a token or password.
   */
  @Test
  void noPublicOrReachableMethodReturnsAToken() throws Exception {
    for (Class<?> holder : List.of(Minted.class, CredentialCache.class, Opener.class,
        DatabricksCalls.class, AgroalBinding.class)) {
      assertFalse(java.lang.reflect.Modifier.isPublic(holder.getModifiers()), holder.getName());
    }
    java.nio.file.Path classes = java.nio.file.Path.of(
        LakebasePool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> checked = new ArrayList<>();
    try (var files = java.nio.file.Files.walk(classes.resolve("io/lakeforge/runtime"))) {
      for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
        String name = classes.relativize(f).toString();
        if (!name.endsWith(".class")) {
          continue;
        }
        Class<?> type = Class.forName(name.replace('/', '.').replace(".class", ""));
        if (!java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
          continue;
        }
        checked.add(type.getSimpleName());
        for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
          int mod = m.getModifiers();
          if (!java.lang.reflect.Modifier.isPublic(mod) && !java.lang.reflect.Modifier.isProtected(mod)) {
            continue;
          }
          String lower = m.getName().toLowerCase(java.util.Locale.ROOT);
          Class<?> r = m.getReturnType();
          boolean secretShaped = r == String.class || r == char[].class || r == CharSequence.class
              || r == java.util.Properties.class || r == Object.class;
          assertFalse((lower.contains("token") || lower.contains("password")) && secretShaped,
              m.toString());
          assertFalse(java.lang.reflect.Modifier.isPublic(m.getReturnType().getModifiers()) == false
              && m.getReturnType().getPackageName().startsWith("io.lakeforge"), m.toString());
        }
      }
    }
    assertTrue(checked.contains("LakebasePool") && checked.contains("Tls"), checked.toString());
  }

  /** The leaking line with the secret itself masked, so the failure report does not leak it. */
  private static String around(String text, String secret) {
    int at = text.indexOf(secret);
    int from = Math.max(0, text.lastIndexOf('\n', Math.max(0, at - 300)));
    return text.substring(from, Math.min(text.length(), at + secret.length() + 200))
        .replace(secret, "<SECRET>");
  }

  private static String trace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
