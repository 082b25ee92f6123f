package dev.attributiongraph.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilderImplementation;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;

/**
 * Runs Neo4j Community embedded, with Bolt on 127.0.0.1 only and authentication on.
 *
 * Configuration comes from environment variables set by launcher/index.ts:
 *   AG_NEO4J_HOME       folder for data, logs and transactions (required)
 *   AG_NEO4J_BOLT_PORT  Bolt port on 127.0.0.1 (default 7687)
 *   AG_NEO4J_PASSWORD   password of user neo4j (required; set on every start)
 *   AG_NEO4J_PAGECACHE  page cache size, e.g. 1g (default 1g)
 *   AG_NEO4J_TX_MEMORY  max memory of all transactions, e.g. 4g (default 4g)
 *   AG_NEO4J_WATCH_STDIN  "1": shut down when standard input closes (the parent died)
 *
 * Prints "READY bolt://127.0.0.1:PORT" on stdout once Bolt accepts connections, and shuts the
 * database down cleanly on SIGTERM/SIGINT (JVM shutdown hook), so no committed data is lost.
 */
public final class LocalNeo4j {
    private LocalNeo4j() {}

    public static void main(String[] args) {
        try {
            run();
        } catch (Throwable error) {
            // Neo4j's own threads are not daemons: without an explicit exit a failed start hangs.
            System.err.println("local-neo4j: failed to start: " + error);
            error.printStackTrace(System.err);
            Runtime.getRuntime().halt(1);
        }
    }

    private static void run() throws Exception {
        String home = require("AG_NEO4J_HOME");
        String password = require("AG_NEO4J_PASSWORD");
        int port = Integer.parseInt(env("AG_NEO4J_BOLT_PORT", "7687"));
        Path homePath = Path.of(home).toAbsolutePath();
        Files.createDirectories(homePath);

        Map<String, String> config = new HashMap<>();
        config.put("server.bolt.enabled", "true");
        config.put("server.bolt.listen_address", "127.0.0.1:" + port);
        config.put("server.bolt.advertised_address", "127.0.0.1:" + port);
        config.put("server.bolt.tls_level", "DISABLED");
        config.put("dbms.security.auth_enabled", "true");
        config.put("server.memory.pagecache.size", env("AG_NEO4J_PAGECACHE", "1g"));
        config.put("dbms.memory.transaction.total.max", env("AG_NEO4J_TX_MEMORY", "4g"));
        config.put("db.transaction.timeout", env("AG_NEO4J_TX_TIMEOUT", "10m"));
        config.put("dbms.usage_report.enabled", "false");
        // Neo4j keeps two days of transaction logs by default: a few ATT&CK-sized imports a day
        // then fill a disk (a 1M-object import writes ~2.5 GB of logs). Keep what recovery needs.
        config.put("db.tx_log.rotation.retention_policy", env("AG_NEO4J_TX_LOG_RETENTION", "1G size"));
        // Extra settings, "key=value" lines or ';'-separated (tuning; they override the above).
        for (String entry : env("AG_NEO4J_CONFIG", "").split("[;\n]")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) continue;
            int eq = trimmed.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("AG_NEO4J_CONFIG entry is not key=value: " + trimmed);
            config.put(trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim());
        }

        long t0 = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilderImplementation(homePath)
                .setConfigRaw(config)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("local-neo4j: shutting down");
            dbms.shutdown();
            System.err.println("local-neo4j: stopped cleanly");
            stopped.countDown();
        }, "local-neo4j-shutdown"));

        setPassword(dbms, homePath, password);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("READY bolt://127.0.0.1:" + port + " in " + ms + " ms");
        System.out.flush();

        if ("1".equals(System.getenv("AG_NEO4J_WATCH_STDIN"))) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    while (in.read() != -1) {
                        // Ignore input; we only wait for end of stream.
                    }
                } catch (IOException ignored) {
                    // A broken pipe means the parent is gone, like end of stream.
                }
                System.err.println("local-neo4j: parent process gone");
                System.exit(0);
            }, "local-neo4j-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }

    /**
     * Sets the neo4j user's password through the system database, once per password: a digest of
     * the applied password is kept beside the store (Neo4j refuses to set the same one twice).
     */
    private static void setPassword(DatabaseManagementService dbms, Path home, String password)
            throws IOException, NoSuchAlgorithmException {
        Path marker = home.resolve("password-applied.sha256");
        String digest = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        if (Files.exists(marker) && Files.readString(marker).trim().equals(digest)) {
            return;
        }
        GraphDatabaseService system = dbms.database("system");
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (QueryExecutionException error) {
            // A store from before the digest file already has this password ("cannot be the same").
            // Anything else shows up as an authentication failure at the client, with this line in the log.
            System.err.println("local-neo4j: password not changed: " + error.getMessage());
        }
        Files.writeString(marker, digest + "\n");
    }

    private static String require(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println("local-neo4j: environment variable " + name + " is required");
            System.exit(2);
        }
        return value;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
