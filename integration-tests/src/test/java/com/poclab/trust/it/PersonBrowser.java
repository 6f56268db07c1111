package com.poclab.trust.it;

import java.io.Closeable;
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
import org.apache.http.client.config.RequestConfig;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.cookie.Cookie;
import org.apache.http.cookie.CookieOrigin;
import org.apache.http.cookie.CookieSpec;
import org.apache.http.cookie.CookieSpecProvider;
import org.apache.http.cookie.MalformedCookieException;
import org.apache.http.impl.cookie.RFC6265LaxSpec;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.client.utils.URLEncodedUtils;
import org.apache.http.impl.client.BasicCookieStore;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The browser of the person Okta sends to POCLAB: one cookie jar, follows Keycloak's own
 * redirects, and stops at the first redirect that leaves Keycloak (to Okta), which it
 * reports instead of following.
 */
final class PersonBrowser implements Closeable {

    /** What the browser shows: a Keycloak page, or the redirect that would take it off Keycloak. */
    record Page(int status, URI redirect, Document document) {

        Element form(String id) {
            if (document == null) {
                throw new AssertionError("Expected page with form #" + id + " but the browser was sent to " + redirect);
            }
            Element form = document.getElementById(id);
            if (form == null) {
                throw new AssertionError("No form #" + id + " (status " + status + ") on page: " + document.text());
            }
            return form;
        }

        boolean hasForm(String id) {
            return document != null && document.getElementById(id) != null;
        }

        String text() {
            return document == null ? "" : document.text();
        }

        /** The query parameters of the redirect that leaves Keycloak. */
        Map<String, String> redirectParams() {
            if (redirect == null) {
                throw new AssertionError("Expected a redirect off Keycloak, got status " + status + ": " + text());
            }
            Map<String, String> params = new LinkedHashMap<>();
            URLEncodedUtils.parse(redirect, StandardCharsets.UTF_8).forEach(p -> params.put(p.getName(), p.getValue()));
            return params;
        }
    }

    private final String keycloakBase;
    private final CloseableHttpClient http;

    PersonBrowser(String keycloakBase) {
        this.keycloakBase = keycloakBase;
        this.http = HttpClients.custom()
                .disableRedirectHandling()
                .setDefaultCookieStore(new BasicCookieStore())
                .setDefaultCookieSpecRegistry(RegistryBuilder.<CookieSpecProvider>create()
                        .register(LocalhostIsSecure.NAME, context -> new LocalhostIsSecure()).build())
                .setDefaultRequestConfig(RequestConfig.custom().setCookieSpec(LocalhostIsSecure.NAME).build())
                .build();
    }

    /**
     * Browsers treat http://localhost as a secure context and send it {@code Secure} cookies,
     * which is how Keycloak marks its cookies there; Apache's cookie specs would drop them.
     */
    private static final class LocalhostIsSecure implements CookieSpec {
        static final String NAME = "localhost-is-secure";
        private final CookieSpec rfc6265 = new RFC6265LaxSpec();

        @Override
        public boolean match(Cookie cookie, CookieOrigin origin) {
            boolean secure = origin.isSecure() || "localhost".equals(origin.getHost()) || "127.0.0.1".equals(origin.getHost());
            return rfc6265.match(cookie, new CookieOrigin(origin.getHost(), origin.getPort(), origin.getPath(), secure));
        }

        @Override
        public int getVersion() {
            return rfc6265.getVersion();
        }

        @Override
        public List<Cookie> parse(Header header, CookieOrigin origin) throws MalformedCookieException {
            return rfc6265.parse(header, origin);
        }

        @Override
        public void validate(Cookie cookie, CookieOrigin origin) throws MalformedCookieException {
            rfc6265.validate(cookie, origin);
        }

        @Override
        public List<Header> formatCookies(List<Cookie> cookies) {
            return rfc6265.formatCookies(cookies);
        }

        @Override
        public Header getVersionHeader() {
            return rfc6265.getVersionHeader();
        }
    }

    /** A GET, the way Okta's redirect arrives. */
    Page open(String url) {
        return load(new HttpGet(url));
    }

    /** Submits {@code form} as a browser does (its hidden, text and checked inputs), {@code fields} typed in. */
    Page submit(Element form, Map<String, String> fields) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Element input : form.select("input[name]")) {
            String type = input.attr("type").isEmpty() ? "text" : input.attr("type");
            if (type.equals("hidden") || type.equals("text") || (type.equals("checkbox") && input.hasAttr("checked"))) {
                values.put(input.attr("name"), input.val());
            }
        }
        values.putAll(fields);
        return post(form.absUrl("action"), values);
    }

    /** A form POST to {@code url}. */
    Page post(String url, Map<String, String> fields) {
        HttpPost post = new HttpPost(url);
        List<NameValuePair> pairs = new ArrayList<>();
        fields.forEach((k, v) -> pairs.add(new BasicNameValuePair(k, v)));
        post.setEntity(new UrlEncodedFormEntity(pairs, StandardCharsets.UTF_8));
        return load(post);
    }

    private Page load(HttpUriRequest request) {
        HttpUriRequest next = request;
        for (int hops = 0; hops < 10; hops++) {
            try (CloseableHttpResponse response = http.execute(next)) {
                int status = response.getStatusLine().getStatusCode();
                String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                Header location = response.getFirstHeader("Location");
                if (status >= 300 && status < 400 && location != null) {
                    URI target = next.getURI().resolve(location.getValue());
                    if (!target.toString().startsWith(keycloakBase + "/")) {
                        return new Page(status, target, null);
                    }
                    next = new HttpGet(target);
                    continue;
                }
                return new Page(status, null, Jsoup.parse(body, next.getURI().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new AssertionError("More than 10 redirects inside Keycloak from " + request.getURI());
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
