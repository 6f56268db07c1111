package com.poclab.trust.it.cluster;

import com.poclab.trust.it.PoclabServerConfig;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.poclab.trust.it.ProjectPaths;

/**
 * Two Keycloak nodes as production runs them: the distribution built once
 * ({@code kc.sh build --db=postgres} with docker/keycloak.conf, our provider and theme
 * jars), each node started with {@code start --optimized} on one PostgreSQL and clustered
 * by Infinispan over JGroups' {@code jdbc-ping} stack (discovery through that database).
 * Everything listens on 127.0.0.1, on ports the test framework (8080) does not use.
 */
public final class TwoNodeCluster implements AutoCloseable {

    public static final String ADMIN_USER = "cluster-admin";
    /** What goes into providers/: the same jars PoclabServerConfig deploys (never test or benchmark jars). */
    private static final int PG_PORT = 55432;
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    /** Infinispan's ISPN000094 / ISPN000093 (merged) log line, with the member count at its end. */
    private static final Pattern CLUSTER_VIEW = Pattern.compile("cluster view for channel ISPN: \\S*?\\[[^\\]]*\\] \\((\\d+)\\)");

    private final Path workDir;
    private final String adminPassword = UUID.randomUUID().toString();
    private final List<Node> nodes = new ArrayList<>();
    private TestPostgres postgres;
    private FileLock portsLock;

    /** One Keycloak process: its own copy of the built distribution, ports and log. */
    public final class Node {
        private final int index;
        private final Path home;
        private final Path log;
        private Process process;

        Node(int index, Path home) {
            this.index = index;
            this.home = home;
            this.log = workDir.resolve("node" + index + ".log");
        }

        public String base() {
            return "http://127.0.0.1:" + (18079 + index);
        }

        public String managementBase() {
            return "http://127.0.0.1:" + (18999 + index);
        }

        public Path log() {
            return log;
        }

        public boolean isAlive() {
            return process != null && process.isAlive();
        }

        /** {@code kill -9} of the node's Java process: no shutdown, no leaving the cluster. */
        public void killHard() {
            Commands.kill(process.toHandle(), Duration.ZERO);
        }

        void start(boolean importRealms) throws IOException {
            List<String> command = new ArrayList<>(List.of("bash", "bin/kc.sh", "start", "--optimized",
                    "--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + (18079 + index),
                    "--http-management-port=" + (18999 + index),
                    // Nodes are addressed directly (no proxy in front): URLs follow the request.
                    "--hostname-strict=false",
                    "--db-url=" + postgres.jdbcUrl(), "--db-username=" + TestPostgres.USER, "--db-password=" + postgres.password(),
                    "--cache=ispn", "--cache-stack=jdbc-ping",
                    "--cache-embedded-network-bind-address=127.0.0.1", "--cache-embedded-network-bind-port=" + (17799 + index),
                    "--log-level=info,org.jgroups:warn"));
            if (importRealms) {
                command.add("--import-realm");
            }
            ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = builder.environment();
            env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
            env.put("JAVA_OPTS_KC_HEAP", "-Xms128m -Xmx768m");
            process = builder.start();
        }

        void awaitReady(Duration timeout) throws InterruptedException {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("node " + index + " exited during start:\n" + Commands.tail(log, 60));
                }
                try {
                    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(managementBase() + "/health/ready"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (ready.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(1000);
            }
            throw new IllegalStateException("node " + index + " not ready after " + timeout + ":\n" + Commands.tail(log, 60));
        }

        /**
         * Graceful stop (SIGTERM: the node hands its cache entries over and leaves), or nothing if
         * it is already gone, then a start that waits until the node serves again (it rejoins the
         * cluster before it reports ready).
         */
        public void restart() throws IOException, InterruptedException {
            stop();
            long logOffset = Files.size(log);
            start(false);
            awaitReady(START_TIMEOUT);
            awaitClusterView(logOffset, Duration.ofMinutes(2));
        }

        /**
         * Waits until this node, since it last started (its log from {@code logOffset} on), is in a
         * two-member cluster view. A node that restarts quickly may fail to join and start alone
         * ("too many JOIN attempts: becoming singleton"); JGroups' MERGE3 then merges the two
         * clusters within about a minute. Until then the node sees none of the other's cache entries.
         */
        void awaitClusterView(long logOffset, Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            String lastView = "none";
            while (System.nanoTime() < deadline) {
                String since;
                try (InputStream in = Files.newInputStream(log)) {
                    in.skipNBytes(logOffset);
                    since = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                Matcher view = CLUSTER_VIEW.matcher(since);
                while (view.find()) {
                    lastView = view.group(1);
                }
                if ("2".equals(lastView)) {
                    return;
                }
                Thread.sleep(1000);
            }
            throw new IllegalStateException("node " + index + " is not in a two-member cluster after " + timeout + " (last view: "
                    + lastView + " members):\n" + Commands.tail(log, 40));
        }

        void stop() {
            if (process != null) {
                Commands.kill(process.toHandle(), Duration.ofSeconds(20));
            }
        }
    }

    private TwoNodeCluster(Path workDir) {
        this.workDir = workDir;
    }

    /** PostgreSQL, one build, node 1 (schema, realm import), then node 2 joining it. */
    public static TwoNodeCluster start() throws Exception {
        Path workDir = Path.of(System.getProperty("poclab.cluster.dir", "target/cluster")).toAbsolutePath();
        Commands.deleteRecursively(workDir);
        Files.createDirectories(workDir);
        TwoNodeCluster cluster = new TwoNodeCluster(workDir);
        cluster.lockPorts();
        Thread cleanup = new Thread(cluster::closeQuietly, "poclab-cluster-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            cluster.postgres = TestPostgres.start(workDir, PG_PORT, UUID.randomUUID().toString());
            Path built = cluster.buildDistribution();
            Path secondHome = workDir.resolve("node2");
            copyTree(built, secondHome);
            Node first = cluster.new Node(1, built);
            Node second = cluster.new Node(2, secondHome);
            cluster.nodes.add(first);
            cluster.nodes.add(second);
            // One at a time: the first creates the schema and imports the realms.
            first.start(true);
            first.awaitReady(START_TIMEOUT);
            second.start(false);
            second.awaitReady(START_TIMEOUT);
            cluster.awaitMembers(2, Duration.ofMinutes(1));
        } catch (Exception | Error e) {
            cluster.closeQuietly();
            throw e;
        }
        return cluster;
    }

    /** The ports are fixed: a second cluster run on this machine (another checkout) waits for this one. */
    private void lockPorts() throws IOException {
        FileChannel channel = FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"), "poclab-cluster.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        portsLock = channel.lock();
    }

    public Node node(int index) {
        return nodes.get(index - 1);
    }

    public String adminPassword() {
        return adminPassword;
    }

    public TestPostgres postgres() {
        return postgres;
    }

    /** Waits until JGroups' discovery table (jdbc-ping) lists {@code count} members. */
    public void awaitMembers(int count, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String members = "";
        while (System.nanoTime() < deadline) {
            members = postgres.sql("SELECT count(*) FROM jgroups_ping");
            if (members.equals(String.valueOf(count))) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("jdbc-ping lists " + members + " members, expected " + count);
    }

    private Path buildDistribution() throws IOException, InterruptedException {
        Path zip = Path.of(System.getProperty("poclab.keycloak.dist", ""));
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("No Keycloak distribution zip at '" + zip + "' (system property poclab.keycloak.dist)");
        }
        Path unpacked = workDir.resolve("dist");
        unzip(zip, unpacked);
        Path home;
        try (Stream<Path> entries = Files.list(unpacked)) {
            home = entries.filter(p -> Files.isRegularFile(p.resolve("bin/kc.sh"))).findFirst().orElseThrow();
        }
        Path root = ProjectPaths.root();
        // Surefire/Failsafe run tests through a manifest-only jar and name the real classpath here.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String artifact : PoclabServerConfig.PROVIDER_ARTIFACTS) {
            Path jar = Stream.of(classpath.split(File.pathSeparator)).map(Path::of)
                    .filter(p -> p.getFileName().toString().matches(Pattern.quote(artifact) + "-\\d.*\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(artifact + " jar not on the test classpath: " + classpath));
            Files.copy(jar, home.resolve("providers").resolve(artifact + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(root.resolve("docker/keycloak.conf"), home.resolve("conf/keycloak.conf"), StandardCopyOption.REPLACE_EXISTING);
        Path importDir = Files.createDirectories(home.resolve("data/import"));
        try (Stream<Path> realms = Files.list(root.resolve("realm-export"))) {
            for (Path realm : realms.filter(p -> p.toString().endsWith(".json")).toList()) {
                Files.copy(realm, importDir.resolve(realm.getFileName()));
            }
        }
        // The build-time options come from conf/keycloak.conf; the database vendor is ours to pick.
        ProcessBuilder build = new ProcessBuilder("bash", "bin/kc.sh", "build", "--db=postgres").directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(workDir.resolve("build.log").toFile());
        Process process = build.start();
        if (!process.waitFor(BUILD_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            Commands.kill(process.toHandle(), Duration.ZERO);
            throw new IllegalStateException("kc.sh build timed out:\n" + Commands.tail(workDir.resolve("build.log"), 40));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("kc.sh build failed:\n" + Commands.tail(workDir.resolve("build.log"), 40));
        }
        return home;
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    copy(in, target);
                }
            }
        }
    }

    private static void copy(InputStream in, Path target) throws IOException {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            throw new IllegalStateException("cluster cleanup failed", e);
        }
    }

    /** Stops both nodes (SIGTERM, then SIGKILL) and PostgreSQL; idempotent. */
    @Override
    public synchronized void close() throws Exception {
        for (Node node : nodes) {
            node.stop();
        }
        nodes.clear();
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
        if (portsLock != null) {
            portsLock.channel().close();
            portsLock = null;
        }
    }
}
