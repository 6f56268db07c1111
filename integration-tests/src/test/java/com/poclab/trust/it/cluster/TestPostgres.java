package com.poclab.trust.it.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from Debian's package: its own data directory under
 * target/, listening on 127.0.0.1 only, on a port of its own, removed on close. The
 * package is installed when missing (as root, through apt-get); the system cluster is
 * left alone.
 */
public final class TestPostgres implements AutoCloseable {

    public static final String DATABASE = "keycloak";
    public static final String USER = "keycloak";

    private final Path bin;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private final String password;
    private final boolean asRoot;
    private boolean running;

    private TestPostgres(Path bin, Path dataDir, Path log, int port, String password) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
        this.password = password;
        this.asRoot = "root".equals(System.getProperty("user.name"));
    }

    /** initdb, start, and create the {@code keycloak} role and database. */
    public static TestPostgres start(Path workDir, int port, String password) throws IOException, InterruptedException {
        Path bin = findOrInstallPostgres(workDir.resolve("apt-get.log"));
        Path dataDir = workDir.resolve("pgdata");
        Commands.deleteRecursively(dataDir);
        Files.createDirectories(dataDir);
        TestPostgres pg = new TestPostgres(bin, dataDir, workDir.resolve("postgresql.log"), port, password);
        pg.initAndStart(workDir);
        return pg;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String password() {
        return password;
    }

    /** Runs SQL as the database superuser over the cluster's own Unix socket; returns psql's output. */
    public String sql(String statement) throws IOException, InterruptedException {
        return Commands.output(asPostgres(bin.resolve("psql").toString(), "-X", "-q", "-t", "-A", "-h", dataDir.toString(),
                "-p", String.valueOf(port), "-U", "postgres", "-d", DATABASE, "-c", statement), Duration.ofSeconds(30)).trim();
    }

    private void initAndStart(Path workDir) throws IOException, InterruptedException {
        Path pwFile = workDir.resolve("pg-superuser-password");
        Files.writeString(pwFile, password + "\n");
        if (asRoot) {
            // initdb refuses to run as root: the cluster belongs to Debian's postgres user.
            Commands.run(Duration.ofSeconds(30), workDir.resolve("chown.log"), "chown", "-R", "postgres:postgres", dataDir.toString(), pwFile.toString());
        }
        Commands.run(Duration.ofMinutes(2), workDir.resolve("initdb.log"), asPostgres(bin.resolve("initdb").toString(),
                "-D", dataDir.toString(), "-U", "postgres", "--pwfile=" + pwFile, "--auth-local=trust",
                "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"));
        Files.writeString(log, "");
        if (asRoot) {
            Commands.run(Duration.ofSeconds(30), workDir.resolve("chown.log"), "chown", "postgres:postgres", log.toString());
        }
        Commands.run(Duration.ofMinutes(1), workDir.resolve("pg_ctl.log"), asPostgres(bin.resolve("pg_ctl").toString(),
                "-D", dataDir.toString(), "-l", log.toString(), "-w", "-t", "60", "start", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dataDir
                        + " -c max_connections=100 -c fsync=off"));
        running = true;
        Commands.output(asPostgres(bin.resolve("psql").toString(), "-X", "-q", "-h", dataDir.toString(), "-p", String.valueOf(port),
                "-U", "postgres", "-d", "postgres",
                "-c", "CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'",
                "-c", "CREATE DATABASE " + DATABASE + " OWNER " + USER), Duration.ofSeconds(30));
    }

    private String[] asPostgres(String... command) {
        if (!asRoot) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(List.of(command));
        return wrapped.toArray(String[]::new);
    }

    /** Debian's server binaries (/usr/lib/postgresql/N/bin), installing the package if missing. */
    private static Path findOrInstallPostgres(Path aptLog) throws IOException, InterruptedException {
        Path found = findPostgresBin();
        if (found != null) {
            return found;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("PostgreSQL is not installed: sudo apt-get install -y postgresql");
        }
        Files.createDirectories(aptLog.getParent());
        Commands.run(Duration.ofMinutes(8), aptLog, "bash", "-c",
                "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql");
        found = findPostgresBin();
        if (found == null) {
            throw new IllegalStateException("apt-get installed no PostgreSQL server; see " + aptLog);
        }
        // The package may start its system cluster on 5432; this test does not use it.
        Commands.run(Duration.ofMinutes(1), aptLog.resolveSibling("pg-system-stop.log"), "bash", "-c",
                "for c in $(pg_lsclusters -h | awk '$4==\"online\" {print $1\"/\"$2}'); do pg_ctlcluster ${c%/*} ${c#*/} stop; done; true");
        return found;
    }

    private static Path findPostgresBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElse(null);
        }
    }

    /** Stops the server at once (the data is thrown away) and removes the data directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (running) {
            running = false;
            Commands.run(Duration.ofMinutes(1), dataDir.resolveSibling("pg_ctl-stop.log"),
                    asPostgres(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"));
        }
        Commands.deleteRecursively(dataDir);
    }
}
