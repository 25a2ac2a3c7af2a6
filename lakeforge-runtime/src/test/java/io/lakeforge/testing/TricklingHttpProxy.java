package io.lakeforge.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of the emulator that answers requests under one path prefix a byte at a
 * time: the status and headers at once, then one body byte per {@code pause}. Every byte arrives
 * well within any socket read timeout, so only a wall-clock deadline ends such an answer.
 * Everything else is forwarded as it is.
 */
public final class TricklingHttpProxy implements AutoCloseable {

  private static final Set<String> UNFORWARDED =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

  private final String target;
  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-trickling-proxy");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient forward = HttpClient.newHttpClient();
  private final AtomicInteger trickled = new AtomicInteger();
  private volatile CountDownLatch started = new CountDownLatch(1);
  private volatile String prefix = "/nothing";
  private volatile Duration pause = Duration.ofMillis(250);

  public TricklingHttpProxy(String targetUrl) throws IOException {
    this.target = targetUrl.endsWith("/") ? targetUrl.substring(0, targetUrl.length() - 1)
        : targetUrl;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The proxy's base URL, for the workspace client's host. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Trickles the answers of requests whose path starts with {@code pathPrefix}. */
  public void trickle(String pathPrefix, Duration perByte) {
    started = new CountDownLatch(1);
    pause = perByte;
    prefix = pathPrefix;
  }

  /** Stops trickling: answers from now on are forwarded at once. */
  public void stopTrickling() {
    prefix = "/nothing";
  }

  /** Trickled answers begun so far. */
  public int trickled() {
    return trickled.get();
  }

  /** Waits until a trickled answer has begun. */
  public boolean awaitTrickling(Duration timeout) throws InterruptedException {
    return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] requestBody;
      try (InputStream in = exchange.getRequestBody()) {
        requestBody = in.readAllBytes();
      }
      URI uri = URI.create(target + exchange.getRequestURI());
      HttpRequest.Builder request = HttpRequest.newBuilder(uri)
          .method(exchange.getRequestMethod(), requestBody.length == 0
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(requestBody));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!UNFORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
          values.forEach(v -> request.header(name, v));
        }
      });
      HttpResponse<byte[]> answer;
      try {
        answer = forward.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      answer.headers().map().forEach((name, values) -> {
        if (!UNFORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
          exchange.getResponseHeaders().put(name, values);
        }
      });
      byte[] body = answer.body();
      boolean slow = exchange.getRequestURI().getPath().startsWith(prefix);
      exchange.sendResponseHeaders(answer.statusCode(), body.length == 0 ? -1 : body.length);
      OutputStream out = exchange.getResponseBody();
      if (!slow) {
        out.write(body);
        return;
      }
      trickled.incrementAndGet();
      started.countDown();
      for (byte b : body) {
        out.write(b);
        out.flush();
        try {
          Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    } catch (IOException e) {
      // The client gave up on the answer: that is the point.
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
