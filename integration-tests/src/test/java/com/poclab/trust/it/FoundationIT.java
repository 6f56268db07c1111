package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.http.HttpResponse;
import org.apache.http.client.HttpClient;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.util.EntityUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.info.ProviderRepresentation;
import org.keycloak.representations.info.ServerInfoRepresentation;
import org.keycloak.representations.info.ThemeInfoRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectHttpClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

/** The server runs our providers, theme and realms, and serves what Entra and Okta fetch first. */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class FoundationIT {

    /** Every provider POCLAB registers, by SPI. */
    private static final Map<String, Set<String>> OUR_PROVIDERS = Map.of(
            "authenticator", Set.of("poclab-eam-hint", "poclab-okta-person", "poclab-factor-gate", "poclab-entra-account-link",
                    "poclab-entra-account-person", "poclab-entra-account-unavailable"),
            "protocol-mapper", Set.of("poclab-eam-claims-mapper", "poclab-amr-mapper"),
            "realm-restapi-extension", Set.of("poclab", "poclab-integrations"),
            "required-action", Set.of("poclab-flow-details", "poclab-new-factor"));

    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectAdminClient
    Keycloak admin;

    @InjectHttpClient
    HttpClient http;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @Test
    public void keycloakListsEveryPoclabProvider() {
        ServerInfoRepresentation info = admin.serverInfo().getInfo();
        assertEquals("26.7.3", info.getSystemInfo().getVersion());
        OUR_PROVIDERS.forEach((spi, ids) -> {
            ProviderRepresentation providers = info.getProviders().get(spi).getProviders().get(ids.iterator().next());
            Set<String> listed = new TreeSet<>(info.getProviders().get(spi).getProviders().keySet());
            listed.removeIf(id -> !id.startsWith("poclab"));
            assertEquals(new TreeSet<>(ids), listed, "POCLAB providers of SPI " + spi);
            assertNotNull(providers);
        });
        assertTrue(info.getThemes().get("login").stream().map(ThemeInfoRepresentation::getName).anyMatch("poclab"::equals),
                "login theme poclab is installed");
        assertTrue(info.getThemes().get("account").stream().map(ThemeInfoRepresentation::getName).anyMatch("poclab"::equals),
                "account theme poclab is installed");
    }

    @Test
    public void realmsComeFromTheExportsAndUseThePoclabTheme() {
        assertEquals("poclab", eam.admin().toRepresentation().getLoginTheme());
        assertEquals("poclab", okta.admin().toRepresentation().getLoginTheme());
        assertEquals("poclab", eam.admin().toRepresentation().getAccountTheme());
        assertEquals("poclab", okta.admin().toRepresentation().getAccountTheme());
        assertTrue(eam.admin().toRepresentation().isBruteForceProtected());
        assertTrue(okta.admin().toRepresentation().isBruteForceProtected());
    }

    @ParameterizedTest
    @ValueSource(strings = {PoclabRealms.EAM, PoclabRealms.OKTA})
    public void discoveryIssuerIsTheDiscoveryUrlWithoutItsSuffix(String realm) throws Exception {
        String discoveryUrl = urls.getBase() + "/realms/" + realm + "/.well-known/openid-configuration";
        JsonNode discovery = getJsonWithContentLength(discoveryUrl);
        String issuer = discovery.get("issuer").asText();
        assertEquals(discoveryUrl.substring(0, discoveryUrl.length() - "/.well-known/openid-configuration".length()), issuer);
        assertFalse(issuer.endsWith("/"));
        assertTrue(discovery.get("id_token_signing_alg_values_supported").toString().contains("\"RS256\""));
        assertTrue(discovery.get("response_types_supported").toString().contains("\"id_token\""));
        assertTrue(discovery.get("scopes_supported").toString().contains("\"openid\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {PoclabRealms.EAM, PoclabRealms.OKTA})
    public void everyPublishedKeyCarriesKidAndX5c(String realm) throws Exception {
        String discoveryUrl = urls.getBase() + "/realms/" + realm + "/.well-known/openid-configuration";
        JsonNode jwks = getJsonWithContentLength(getJsonWithContentLength(discoveryUrl).get("jwks_uri").asText());
        assertTrue(jwks.get("keys").size() > 0);
        for (JsonNode key : jwks.get("keys")) {
            assertTrue(key.hasNonNull("kid"), "kid in " + key);
            assertTrue(key.has("x5c") && key.get("x5c").isArray() && key.get("x5c").size() > 0, "x5c in " + key);
        }
    }

    private JsonNode getJsonWithContentLength(String url) throws Exception {
        HttpResponse response = http.execute(new HttpGet(url));
        String body = EntityUtils.toString(response.getEntity());
        assertEquals(200, response.getStatusLine().getStatusCode(), url);
        assertNotNull(response.getFirstHeader("Content-Length"), "Content-Length on " + url);
        assertEquals(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                Integer.parseInt(response.getFirstHeader("Content-Length").getValue()));
        return JSON.readTree(body);
    }
}
