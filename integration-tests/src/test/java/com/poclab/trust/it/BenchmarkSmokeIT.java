package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.poclab.trust.benchmark.BenchmarkRunner;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

/**
 * The benchmark's Gatling round trips (benchmark/, issue 8), each run by two people against this
 * suite's server, so they cannot drift from what the server serves while nobody runs the full
 * benchmark. The run restores the realm settings it changed and removes its people and realm.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class BenchmarkSmokeIT {

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @Test
    public void everyBenchmarkRoundTripCompletesWithTokensAndEntrasKeysAreFetchedOnce() throws Exception {
        BenchmarkRunner.SmokeResult result = BenchmarkRunner.smoke(urls.getBase(),
                () -> admin.tokenManager().getAccessTokenString(), ProjectPaths.artifacts().resolve("benchmark-smoke"));

        for (String scenario : BenchmarkRunner.SCENARIOS) {
            assertArrayEquals(new int[] {2, 0}, result.flows().get(scenario), scenario + ": flows ok, failed");
        }
        assertEquals(0, result.gatlingStatus(), "Gatling: no failed request (see its report under poclab-artifacts/benchmark-smoke)");
        assertEquals(result.publishedKeys(), result.jwksFetches(), "Entra's keys fetched once per key, not once per flow");
    }
}
