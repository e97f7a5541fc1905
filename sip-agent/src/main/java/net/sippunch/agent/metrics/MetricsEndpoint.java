package net.sippunch.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics over HTTP: {@code GET /metrics} answers the registry's text exposition (format 0.0.4); any
 * other path is 404, any other method 405. One daemon thread serves the scrapes; closing stops it.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PATH = "/metrics";

    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(PrometheusMeterRegistry registry, HttpServer server, ExecutorService executor) {
        this.registry = registry;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code address} and serves a new registry there.
     *
     * @throws IOException naming the address and the system's reason when it cannot be bound
     */
    public static MetricsEndpoint start(InetSocketAddress address) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + ": " + e.getMessage(), e);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        MetricsEndpoint endpoint = new MetricsEndpoint(registry, server, executor);
        server.createContext("/", endpoint::answer);
        server.setExecutor(executor);
        server.start();
        return endpoint;
    }

    /** Where the meters are registered. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The bound address (its port, when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try {
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            if (!head && !"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } finally {
            exchange.close();
        }
    }

    /** Stops serving (a scrape under way gets up to a second) and closes the registry. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.close();
    }
}
