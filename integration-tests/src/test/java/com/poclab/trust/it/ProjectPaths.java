package com.poclab.trust.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project and the test artifacts (screenshots, logs) live. */
public final class ProjectPaths {

    private ProjectPaths() {
    }

    public static Path root() {
        String configured = System.getProperty("poclab.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..").toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("docker/keycloak.conf"))) {
            root = Path.of("").toAbsolutePath().getParent();
        }
        return root;
    }

    public static Path artifacts() {
        Path dir = Path.of(System.getProperty("poclab.artifacts", "target/poclab-artifacts"));
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }
}
