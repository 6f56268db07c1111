package com.poclab.trust.benchmark;

import static io.gatling.javaapi.core.CoreDsl.css;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.exitBlockOnFail;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * The three round trips as a person's browser and the relying party drive them. Each virtual user
 * is one person's fresh browser (own cookies and connections) doing one whole round trip; every
 * step checks what a real party would check, and a flow counts only when all steps pass.
 */
public final class RoundTrips {

    public static final String EAM = "EAM round trip";
    public static final String OKTA = "Okta round trip";
    public static final String BASELINE = "Baseline password + OTP";

    private static final String PERSON = "person";
    private static final String START = "flowStart";
    private static final String ACTION = "formAction";
    private static final String REQUEST = "entraRequest";

    private final LoopbackEntra entra;
    private final BenchmarkRealms.Prepared prepared;
    private final FlowRecorder eamFlows = new FlowRecorder(EAM);
    private final FlowRecorder oktaFlows = new FlowRecorder(OKTA);
    private final FlowRecorder baselineFlows = new FlowRecorder(BASELINE);

    public RoundTrips(LoopbackEntra entra, BenchmarkRealms.Prepared prepared) {
        this.entra = entra;
        this.prepared = prepared;
    }

    public static HttpProtocolBuilder protocol(String keycloakBase) {
        return http.baseUrl(keycloakBase)
                .acceptHeader("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .acceptLanguageHeader("en-US,en;q=0.5")
                .userAgentHeader("Mozilla/5.0 (X11; Linux x86_64) POCLAB-benchmark");
    }

    public FlowRecorder recorder(String scenario) {
        return switch (scenario) {
            case EAM -> eamFlows;
            case OKTA -> oktaFlows;
            case BASELINE -> baselineFlows;
            default -> throw new IllegalArgumentException(scenario);
        };
    }

    public Population population(String scenario) {
        return switch (scenario) {
            case EAM -> prepared.eam();
            case OKTA -> prepared.okta();
            case BASELINE -> prepared.baseline();
            default -> throw new IllegalArgumentException(scenario);
        };
    }

    /** Before a measured EAM phase: {@code perPerson} hints for each person, signed now (see {@link LoopbackEntra#presign}). */
    public void presignHints(String scenario, int perPerson) {
        entra.discardPresigned();
        if (EAM.equals(scenario)) {
            entra.presign(prepared.eam().everyone(), perPerson, BenchmarkRealms.EAM_CLIENT);
        }
    }

    public void discardPresignedHints() {
        entra.discardPresigned();
    }

    public ScenarioBuilder scenarioFor(String scenario) {
        return switch (scenario) {
            case EAM -> eam();
            case OKTA -> okta();
            case BASELINE -> baseline();
            default -> throw new IllegalArgumentException(scenario);
        };
    }

    /** Entra posts a fresh hint, the person enters a TOTP code, Entra receives the id_token by form_post. */
    ScenarioBuilder eam() {
        Population people = prepared.eam();
        return scenario(EAM).exec(
                start(people).exec(session -> {
                    Population.Person person = session.get(PERSON);
                    String hint = entra.hint(person.entraObjectId(), person.username(), BenchmarkRealms.EAM_CLIENT);
                    Map<String, Object> request = LoopbackEntra.authorizationRequest(BenchmarkRealms.EAM_CLIENT, hint);
                    return session.set(REQUEST, request).set("state", request.get("state"));
                }),
                exitBlockOnFail().on(
                        exec(http("EAM 1 Entra posts the hint").post("/realms/eam/protocol/openid-connect/auth")
                                .formParamMap(session -> session.<Map<String, Object>>get(REQUEST))
                                .check(status().is(200), css("#kc-otp-login-form", "action").saveAs(ACTION))),
                        exec(http("EAM 2 TOTP code, form_post to Entra").post(RoundTrips::formAction)
                                .formParam("otp", session -> people.nextCode(session.get(PERSON)))
                                .check(status().is(200),
                                        css("form", "action").is(LoopbackEntra.REDIRECT_URI),
                                        css("input[name=id_token]", "value").exists(),
                                        css("input[name=state]", "value").isEL("#{state}")))),
                finish(people, eamFlows));
    }

    /** Okta sends the person, who names themself and enters a TOTP code; Okta redeems the code with client_secret_basic. */
    ScenarioBuilder okta() {
        Population people = prepared.okta();
        return scenario(OKTA).exec(
                start(people).exec(session -> session.set("state", LoopbackEntra.randomBase64(32)).set("nonce", LoopbackEntra.randomBase64(32))),
                exitBlockOnFail().on(
                        exec(http("Okta 1 authorize").get("/realms/okta/protocol/openid-connect/auth")
                                .queryParam("client_id", BenchmarkRealms.OKTA_CLIENT)
                                .queryParam("response_type", "code")
                                .queryParam("scope", "openid email profile")
                                .queryParam("redirect_uri", BenchmarkRealms.OKTA_CALLBACK)
                                .queryParam("state", "#{state}")
                                .queryParam("nonce", "#{nonce}")
                                .check(status().is(200), css("#kc-form-login", "action").saveAs(ACTION))),
                        exec(http("Okta 2 username").post(RoundTrips::formAction)
                                .formParam("username", session -> session.<Population.Person>get(PERSON).username())
                                .check(status().is(200), css("#kc-otp-login-form", "action").saveAs(ACTION))),
                        exec(codeRedirect("Okta 3 TOTP code, redirect to Okta", people, BenchmarkRealms.OKTA_CALLBACK)),
                        exec(tokenRequest("Okta 4 token, client_secret_basic", "okta", BenchmarkRealms.OKTA_CLIENT,
                                prepared.oktaSecret(), BenchmarkRealms.OKTA_CALLBACK))),
                finish(people, oktaFlows));
    }

    /** Keycloak's stock browser flow: username and password, then the OTP form, then the app redeems the code. */
    ScenarioBuilder baseline() {
        Population people = prepared.baseline();
        String realm = BenchmarkRealms.BASELINE_REALM;
        return scenario(BASELINE).exec(
                start(people).exec(session -> session.set("state", LoopbackEntra.randomBase64(32)).set("nonce", LoopbackEntra.randomBase64(32))),
                exitBlockOnFail().on(
                        exec(http("Baseline 1 authorize").get("/realms/" + realm + "/protocol/openid-connect/auth")
                                .queryParam("client_id", BenchmarkRealms.BASELINE_CLIENT)
                                .queryParam("response_type", "code")
                                .queryParam("scope", "openid")
                                .queryParam("redirect_uri", BenchmarkRealms.BASELINE_CALLBACK)
                                .queryParam("state", "#{state}")
                                .queryParam("nonce", "#{nonce}")
                                .check(status().is(200), css("#kc-form-login", "action").saveAs(ACTION))),
                        exec(http("Baseline 2 username and password").post(RoundTrips::formAction)
                                .formParam("username", session -> session.<Population.Person>get(PERSON).username())
                                .formParam("password", BenchmarkRealms.BASELINE_PASSWORD)
                                .check(status().is(200), css("#kc-otp-login-form", "action").saveAs(ACTION))),
                        exec(codeRedirect("Baseline 3 TOTP code, redirect to the app", people, BenchmarkRealms.BASELINE_CALLBACK)),
                        exec(tokenRequest("Baseline 4 token, client_secret_basic", realm, BenchmarkRealms.BASELINE_CLIENT,
                                prepared.baselineSecret(), BenchmarkRealms.BASELINE_CALLBACK))),
                finish(people, baselineFlows));
    }

    private static ChainBuilder start(Population people) {
        return exec(session -> session.set(PERSON, people.take()).set(START, System.nanoTime()));
    }

    /** Gives the person back and records the flow: ok only when no step failed. */
    private static ChainBuilder finish(Population people, FlowRecorder recorder) {
        return exec(session -> {
            people.giveBack(session.get(PERSON));
            recorder.record(session.getLong(START), System.nanoTime(), !session.isFailed());
            return session;
        });
    }

    private static io.gatling.javaapi.http.HttpRequestActionBuilder codeRedirect(String name, Population people, String callback) {
        return http(name).post(RoundTrips::formAction)
                .formParam("otp", session -> people.nextCode(session.get(PERSON)))
                .disableFollowRedirect()
                .check(status().is(302),
                        header("Location").transform(location -> location.startsWith(callback + "?")).is(true),
                        header("Location").transform(location -> queryParam(location, "state")).isEL("#{state}"),
                        header("Location").transform(location -> queryParam(location, "code")).saveAs("code"));
    }

    private static io.gatling.javaapi.http.HttpRequestActionBuilder tokenRequest(String name, String realm, String clientId,
            String secret, String callback) {
        return http(name).post("/realms/" + realm + "/protocol/openid-connect/token")
                .basicAuth(clientId, secret)
                .header("Accept", "application/json")
                .formParam("grant_type", "authorization_code")
                .formParam("code", "#{code}")
                .formParam("redirect_uri", callback)
                .check(status().is(200), jsonPath("$.id_token").exists(), jsonPath("$.access_token").exists());
    }

    /** The form's action as the browser resolves it (the page's HTML escapes the ampersands). */
    private static String formAction(Session session) {
        return session.getString(ACTION).replace("&amp;", "&");
    }

    private static String queryParam(String url, String name) {
        String query = URI.create(url).getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
