package com.poclab.trust.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.http.Header;
import org.apache.http.NameValuePair;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.cookie.Cookie;
import org.apache.http.cookie.CookieOrigin;
import org.apache.http.cookie.CookieSpec;
import org.apache.http.cookie.CookieSpecProvider;
import org.apache.http.impl.cookie.BasicDomainHandler;
import org.apache.http.impl.cookie.BasicPathHandler;
import org.apache.http.impl.cookie.BasicSecureHandler;
import org.apache.http.impl.cookie.LaxExpiresHandler;
import org.apache.http.impl.cookie.LaxMaxAgeHandler;
import org.apache.http.impl.cookie.RFC6265CookieSpec;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.impl.client.BasicCookieStore;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A person's browser without JavaScript: keeps cookies, follows redirects only within
 * Keycloak (a redirect to Okta or Entra is where the test reads the answer), and submits
 * HTML forms the way a browser would.
 */
public final class Browser implements AutoCloseable {

    private static final String BROWSER_COOKIES = "browser";

    private final String keycloakBase;
    private final CloseableHttpClient http;

    public Browser(String keycloakBase) {
        this.keycloakBase = keycloakBase;
        this.http = HttpClients.custom().setDefaultCookieStore(new BasicCookieStore())
                .setDefaultCookieSpecRegistry(RegistryBuilder.<CookieSpecProvider>create().register(BROWSER_COOKIES, c -> browserCookieSpec()).build())
                .setDefaultRequestConfig(RequestConfig.custom().setCookieSpec(BROWSER_COOKIES).build())
                .disableRedirectHandling().build();
    }

    /** One response: status, final URL, Location (when it leaves Keycloak), body and parsed page. */
    public record Page(int status, String url, String location, String body, Document doc) {

        public Element form(String cssSelector) {
            Element form = doc.selectFirst(cssSelector);
            if (form == null) {
                throw new AssertionError("No form " + cssSelector + " on page " + url + ":\n" + body);
            }
            return form;
        }

        /** The auto-submitting form_post of an OIDC answer: action and fields. */
        public Map<String, String> formPostTo(String action) {
            for (Element form : doc.select("form")) {
                if (form.attr("method").equalsIgnoreCase("post") && action.equals(form.attr("action"))) {
                    Map<String, String> fields = new LinkedHashMap<>();
                    for (Element input : form.select("input")) {
                        if (input.attr("type").equalsIgnoreCase("hidden")) {
                            fields.put(input.attr("name"), input.attr("value"));
                        }
                    }
                    return fields;
                }
            }
            return null;
        }
    }

    public Page get(String url) {
        return send(new HttpGet(url));
    }

    public Page post(String url, Map<String, String> fields) {
        HttpPost post = new HttpPost(url);
        List<NameValuePair> pairs = new ArrayList<>();
        fields.forEach((k, v) -> pairs.add(new BasicNameValuePair(k, v)));
        post.setEntity(new UrlEncodedFormEntity(pairs, StandardCharsets.UTF_8));
        return send(post);
    }

    /** Submits {@code form} with its inputs' current values, overridden by {@code values}. */
    public Page submit(Page page, Element form, Map<String, String> values) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Element input : form.select("input[name]")) {
            String type = input.attr("type").toLowerCase();
            if (type.equals("submit") || type.equals("button") || ((type.equals("checkbox") || type.equals("radio")) && !input.hasAttr("checked"))) {
                continue;
            }
            fields.put(input.attr("name"), input.attr("value"));
        }
        fields.putAll(values);
        String action = form.attr("action").isEmpty() ? page.url() : URI.create(page.url()).resolve(form.attr("action").replace("&amp;", "&")).toString();
        return post(action, fields);
    }

    /**
     * RFC 6265 cookies as browsers keep them, including that http://localhost is a secure
     * context: Keycloak marks its cookies Secure there, and browsers send them back.
     */
    private static CookieSpec browserCookieSpec() {
        BasicSecureHandler localhostIsSecure = new BasicSecureHandler() {
            @Override
            public boolean match(Cookie cookie, CookieOrigin origin) {
                return !cookie.isSecure() || origin.isSecure() || origin.getHost().equals("localhost") || origin.getHost().equals("127.0.0.1");
            }
        };
        return new RFC6265CookieSpec(new BasicPathHandler(), new BasicDomainHandler(), new LaxMaxAgeHandler(),
                localhostIsSecure, new LaxExpiresHandler()) { };
    }

    private Page send(HttpUriRequest request) {
        try (CloseableHttpResponse response = http.execute(request)) {
            int status = response.getStatusLine().getStatusCode();
            String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            Header location = response.getFirstHeader("Location");
            if (status >= 300 && status < 400 && location != null) {
                String target = URI.create(request.getURI().toString()).resolve(location.getValue()).toString();
                if (target.startsWith(keycloakBase)) {
                    return get(target);
                }
                return new Page(status, request.getURI().toString(), target, body, Jsoup.parse(body));
            }
            return new Page(status, request.getURI().toString(), null, body, Jsoup.parse(body, request.getURI().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
