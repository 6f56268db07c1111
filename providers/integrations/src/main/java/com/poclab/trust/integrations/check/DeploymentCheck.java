package com.poclab.trust.integrations.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.poclab.trust.integrations.DeploymentUrls;
import org.apache.http.Header;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.util.EntityUtils;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.util.JsonSerialization;

/**
 * Checks a realm the way Entra or Okta will see it: fetches its discovery document and JWKS
 * over HTTP from the URLs the page shows (Keycloak's own HTTP client, as a remote party
 * would), then applies entra-eam.md section 5 and okta.md.
 */
public final class DeploymentCheck {

    /** Entra caches keys for 24 h and wants a new key published two days ahead: warn well before. */
    public static final Duration KEY_EXPIRY_WARNING = Duration.ofDays(30);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final DeploymentUrls urls;
    private final List<CheckResult> results = new ArrayList<>();
    private JsonNode discovery;

    public DeploymentCheck(KeycloakSession session, RealmModel realm, DeploymentUrls urls) {
        this.session = session;
        this.realm = realm;
        this.urls = urls;
    }

    public List<CheckResult> results() {
        return results;
    }

    /** What both integrations need: discovery over HTTPS, the issuer rule, keys with x5c, Content-Length, fresh keys. */
    public DeploymentCheck discoveryAndKeys() {
        String discoveryUrl = urls.getDiscoveryUrl();
        results.add(CheckResult.of(discoveryUrl.startsWith("https://"), "Discovery URL uses HTTPS", discoveryUrl,
                "Serve Keycloak over HTTPS under its public name: set the hostname option to https://your-host "
                        + "(for example hostname=https://trust.poclab.com) and enable HTTPS or a TLS-terminating proxy."));
        Fetched fetched = fetch(discoveryUrl);
        results.add(CheckResult.of(fetched.ok(), "Discovery is reachable at the shown URL", fetched.summary(),
                "Make this URL answer 200 with JSON from where " + "the identity provider connects (firewall, proxy, hostname option)."));
        if (!fetched.ok()) {
            return this;
        }
        results.add(contentLength("Discovery response has Content-Length", fetched));
        discovery = fetched.json();
        String issuer = text(discovery, "issuer");
        String expectedIssuer = discoveryUrl.substring(0, discoveryUrl.length() - DeploymentUrls.DISCOVERY_SUFFIX.length());
        boolean issuerOk = expectedIssuer.equals(issuer) && !issuer.endsWith("/") && !issuer.contains(":443");
        results.add(CheckResult.of(issuerOk, "Issuer equals the discovery URL without /.well-known/openid-configuration",
                "issuer " + issuer,
                "Set the hostname option to the public URL (no trailing slash, no :443) and clear the realm's Frontend URL "
                        + "if it points elsewhere (Realm settings > General)."));
        String jwksUri = text(discovery, "jwks_uri");
        results.add(CheckResult.of(urls.getJwksUrl().equals(jwksUri), "JWKS URL in discovery is the one shown here",
                "jwks_uri " + jwksUri, "Use one public hostname for front and back channel (hostname-backchannel-dynamic=false)."));
        Fetched jwks = fetch(jwksUri);
        results.add(CheckResult.of(jwks.ok(), "JWKS is reachable", jwks.summary(), "Make the JWKS URL reachable like the discovery URL."));
        if (jwks.ok()) {
            results.add(contentLength("JWKS response has Content-Length", jwks));
            results.add(everyKeyHasX5c(jwks.json()));
        }
        results.add(activeKeyNotExpiring());
        return this;
    }

    /** The parts of the discovery document Entra reads (entra-eam.md section 5). */
    public DeploymentCheck entraDiscoveryFields() {
        if (discovery == null) {
            return this;
        }
        boolean ok = contains(discovery, "response_types_supported", "id_token")
                && contains(discovery, "id_token_signing_alg_values_supported", "RS256")
                && contains(discovery, "scopes_supported", "openid")
                && discovery.hasNonNull("authorization_endpoint") && discovery.hasNonNull("subject_types_supported");
        results.add(CheckResult.of(ok, "Discovery lists what Entra requires", "id_token, RS256, openid, authorization_endpoint",
                "Keep the realm's default OpenID Connect settings; do not disable the implicit id_token response or RS256."));
        return this;
    }

    /** The endpoints Okta is configured with (okta.md sections 1 and 2). */
    public DeploymentCheck oktaDiscoveryFields() {
        if (discovery == null) {
            return this;
        }
        boolean endpoints = urls.getAuthorizeUrl().equals(text(discovery, "authorization_endpoint"))
                && urls.getTokenUrl().equals(text(discovery, "token_endpoint"));
        results.add(CheckResult.of(endpoints, "Authorize and token URLs in discovery are the ones shown here",
                text(discovery, "authorization_endpoint") + ", " + text(discovery, "token_endpoint"),
                "Use one public hostname for front and back channel (hostname-backchannel-dynamic=false)."));
        boolean auth = contains(discovery, "token_endpoint_auth_methods_supported", "client_secret_basic")
                && contains(discovery, "token_endpoint_auth_methods_supported", "client_secret_post");
        results.add(CheckResult.of(auth, "Token endpoint accepts client_secret_basic and client_secret_post",
                String.valueOf(discovery.get("token_endpoint_auth_methods_supported")),
                "Remove the client attribute client.secret.authentication.allowed.method from the Okta client."));
        return this;
    }

    public DeploymentCheck redirectUris(ClientModel client, Set<String> expected, String fix) {
        Set<String> registered = new TreeSet<>(client.getRedirectUris());
        boolean ok = !expected.isEmpty() && registered.equals(new TreeSet<>(expected));
        results.add(CheckResult.of(ok, "Redirect URIs registered", registered.isEmpty() ? "none" : String.join(", ", registered), fix));
        return this;
    }

    public DeploymentCheck rule(boolean passed, String rule, String detail, String fix) {
        results.add(CheckResult.of(passed, rule, detail, fix));
        return this;
    }

    private CheckResult everyKeyHasX5c(JsonNode jwks) {
        JsonNode keys = jwks == null ? null : jwks.get("keys");
        List<String> without = new ArrayList<>();
        int count = 0;
        if (keys != null) {
            for (JsonNode key : keys) {
                count++;
                JsonNode x5c = key.get("x5c");
                if (x5c == null || !x5c.isArray() || x5c.isEmpty()) {
                    without.add(text(key, "kid"));
                }
            }
        }
        return CheckResult.of(count > 0 && without.isEmpty(), "Every JWK carries x5c",
                count == 0 ? "no keys published" : count + " keys" + (without.isEmpty() ? "" : ", without x5c: " + String.join(", ", without)),
                "Sign with keys that have a certificate (the rsa-generated or rsa key providers); disable or remove the keys listed.");
    }

    private CheckResult activeKeyNotExpiring() {
        KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.RS256);
        X509Certificate certificate = key == null ? null : key.getCertificate();
        String rule = "Realm signing key is not about to expire";
        if (certificate == null) {
            return CheckResult.fail(rule, key == null ? "no active RS256 key" : "active key " + key.getKid() + " has no certificate",
                    "Add an rsa-generated key provider to realm " + realm.getName() + " (Realm settings > Keys > Providers).");
        }
        Instant notAfter = certificate.getNotAfter().toInstant();
        return CheckResult.of(notAfter.isAfter(Instant.now().plus(KEY_EXPIRY_WARNING)), rule,
                "key " + key.getKid() + " valid until " + notAfter,
                "Add a new RSA key provider now at a lower priority, let it be published for at least two days "
                        + "(Entra caches keys for 24 h), then give it the highest priority.");
    }

    private static CheckResult contentLength(String rule, Fetched fetched) {
        return CheckResult.of(fetched.contentLength() != null, rule,
                fetched.contentLength() == null ? "no Content-Length header (chunked)" : "Content-Length " + fetched.contentLength(),
                "A proxy in front of Keycloak is rewriting the response: configure it to pass responses through unchanged.");
    }

    private static boolean contains(JsonNode node, String field, String value) {
        JsonNode array = node.get(field);
        if (array == null || !array.isArray()) {
            return false;
        }
        for (JsonNode element : array) {
            if (value.equals(element.asText())) {
                return true;
            }
        }
        return false;
    }

    private static String text(JsonNode node, String field) {
        return node != null && node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    private Fetched fetch(String url) {
        if (url == null) {
            return new Fetched(0, null, null, "no URL");
        }
        try (CloseableHttpResponse response = session.getProvider(HttpClientProvider.class).getHttpClient().execute(new HttpGet(url))) {
            int status = response.getStatusLine().getStatusCode();
            Header length = response.getFirstHeader("Content-Length");
            String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            JsonNode json = null;
            String problem = null;
            try {
                json = JsonSerialization.readValue(body, JsonNode.class);
            } catch (IOException e) {
                problem = "not JSON";
            }
            return new Fetched(status, length == null ? null : length.getValue(), json, problem);
        } catch (IOException e) {
            return new Fetched(0, null, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private record Fetched(int status, String contentLength, JsonNode json, String problem) {
        boolean ok() {
            return status == 200 && json != null;
        }

        String summary() {
            return status == 0 ? problem : "HTTP " + status + (problem == null ? "" : ", " + problem);
        }
    }
}
