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
import java.util.function.Predicate;

import org.apache.http.Header;
import org.apache.http.NameValuePair;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.cookie.CookieSpecProvider;
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

    private final Predicate<URI> insideKeycloak;
    private final CloseableHttpClient http;

    PersonBrowser(String keycloakBase) {
        this(target -> target.toString().startsWith(keycloakBase + "/"));
    }

    /** A browser that follows the redirects {@code insideKeycloak} accepts and reports any other. */
    PersonBrowser(Predicate<URI> insideKeycloak) {
        this.insideKeycloak = insideKeycloak;
        this.http = HttpClients.custom()
                .disableRedirectHandling()
                .setDefaultCookieStore(new BasicCookieStore())
                .setDefaultCookieSpecRegistry(RegistryBuilder.<CookieSpecProvider>create()
                        .register(LocalhostIsSecure.NAME, context -> new LocalhostIsSecure()).build())
                .setDefaultRequestConfig(RequestConfig.custom().setCookieSpec(LocalhostIsSecure.NAME).build())
                .build();
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
                    if (!insideKeycloak.test(target)) {
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
