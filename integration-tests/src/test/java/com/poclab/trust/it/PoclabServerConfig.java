package com.poclab.trust.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.testframework.server.KeycloakServerConfig;
import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

/**
 * The server every integration test runs against: Keycloak's distribution with our freshly
 * built provider and theme jars and exactly the options of {@code docker/keycloak.conf}
 * (the same file the run command and the container image use).
 */
public class PoclabServerConfig implements KeycloakServerConfig {

    public static final String GROUP_ID = "com.poclab.trust";
    /** Every jar POCLAB installs into Keycloak's providers/ (the cluster test installs the same). */
    public static final List<String> PROVIDER_ARTIFACTS = List.of("poclab-common", "poclab-eam", "poclab-okta",
            "poclab-integrations", "poclab-theme");

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        projectOptions().forEach(config::option);
        PROVIDER_ARTIFACTS.forEach(artifact -> config.dependency(GROUP_ID, artifact));
        return config;
    }

    /** The options of docker/keycloak.conf ({@code key=value} lines, # comments). */
    public static Map<String, String> projectOptions() {
        Path conf = ProjectPaths.root().resolve("docker/keycloak.conf");
        Map<String, String> options = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(conf)) {
                String trimmed = line.trim();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int eq = trimmed.indexOf('=');
                options.put(trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return options;
    }
}
