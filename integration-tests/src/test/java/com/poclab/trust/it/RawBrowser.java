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
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.cookie.CookieSpecProvider;
import org.apache.http.impl.client.BasicCookieStore;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * What the security suite needs beyond {@link Browser}: requests a browser or an attacker can
 * send but a {@code Map} cannot express (a parameter twice, extra headers such as a foreign
 * {@code Origin}), and every response's headers, so each page's framing rules can be checked.
 * Keeps cookies like a browser (http://localhost is a secure context) and follows redirects
 * only within Keycloak.
 */
final class RawBrowser implements Closeable {

    /** One response at the end of Keycloak's redirects, and every response on the way. */
    record Page(int status, String url, String location, Map<String, List<String>> headers, String body, Document doc,
                List<Page> hops) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(", ", e.getValue())).findFirst().orElse(null);
        }

        Element form(String cssSelector) {
            Element form = doc.selectFirst(cssSelector);
            if (form == null) {
                throw new AssertionError("No form " + cssSelector + " (status " + status + ") on page " + url + ":\n" + body);
            }
            return form;
        }

        boolean has(String cssSelector) {
            return doc.selectFirst(cssSelector) != null;
        }

        /** The auto-submitting form_post of an OIDC answer: its hidden fields, or null. */
        Map<String, String> formPostTo(String action) {
            for (Element form : doc.select("form")) {
                if (form.attr("method").equalsIgnoreCase("post") && action.equals(form.attr("action"))) {
                    Map<String, String> fields = new LinkedHashMap<>();
                    for (Element input : form.select("input[type=hidden]")) {
                        fields.put(input.attr("name"), input.attr("value"));
                    }
                    return fields;
                }
            }
            return null;
        }
    }

    private final String keycloakBase;
    private final CloseableHttpClient http;

    RawBrowser(String keycloakBase) {
        this.keycloakBase = keycloakBase;
        this.http = HttpClients.custom().disableRedirectHandling().setDefaultCookieStore(new BasicCookieStore())
                .setDefaultCookieSpecRegistry(RegistryBuilder.<CookieSpecProvider>create()
                        .register(LocalhostIsSecure.NAME, context -> new LocalhostIsSecure()).build())
                .setDefaultRequestConfig(RequestConfig.custom().setCookieSpec(LocalhostIsSecure.NAME).build())
                .build();
    }

    Page get(String url) {
        return load(new HttpGet(url), Map.of());
    }

    Page post(String url, Map<String, String> fields) {
        List<String[]> pairs = new ArrayList<>();
        fields.forEach((k, v) -> pairs.add(new String[] {k, v}));
        return post(url, pairs, Map.of());
    }

    /** A form POST with the fields in this order, repeated names included, and extra request headers. */
    Page post(String url, List<String[]> fields, Map<String, String> headers) {
        HttpPost post = new HttpPost(url);
        List<NameValuePair> pairs = new ArrayList<>();
        fields.forEach(f -> pairs.add(new BasicNameValuePair(f[0], f[1])));
        post.setEntity(new UrlEncodedFormEntity(pairs, StandardCharsets.UTF_8));
        return load(post, headers);
    }

    /** Submits {@code form} as a browser does (hidden, text and checked inputs), {@code values} typed in. */
    Page submit(Page page, Element form, Map<String, String> values) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Element input : form.select("input[name]")) {
            String type = input.attr("type").isEmpty() ? "text" : input.attr("type").toLowerCase();
            if (type.equals("hidden") || type.equals("text") || type.equals("password")
                    || ((type.equals("checkbox") || type.equals("radio")) && input.hasAttr("checked"))) {
                fields.put(input.attr("name"), input.val());
            }
        }
        fields.putAll(values);
        String action = form.attr("action").isEmpty() ? page.url() : URI.create(page.url()).resolve(form.attr("action")).toString();
        return post(action, fields);
    }

    private Page load(HttpUriRequest first, Map<String, String> headers) {
        headers.forEach(first::setHeader);
        List<Page> hops = new ArrayList<>();
        HttpUriRequest request = first;
        for (int hop = 0; hop < 10; hop++) {
            try (CloseableHttpResponse response = http.execute(request)) {
                int status = response.getStatusLine().getStatusCode();
                String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
                for (Header h : response.getAllHeaders()) {
                    responseHeaders.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
                }
                String url = request.getURI().toString();
                Header location = response.getFirstHeader("Location");
                if (status >= 300 && status < 400 && location != null) {
                    String target = request.getURI().resolve(location.getValue()).toString();
                    Page redirect = new Page(status, url, target, responseHeaders, body, Jsoup.parse(body, url), List.copyOf(hops));
                    if (!target.startsWith(keycloakBase + "/")) {
                        return redirect;
                    }
                    hops.add(redirect);
                    request = new HttpGet(target);
                    continue;
                }
                return new Page(status, url, null, responseHeaders, body, Jsoup.parse(body, url), List.copyOf(hops));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new AssertionError("More than 10 redirects inside Keycloak from " + first.getURI());
    }

    /** Browsers send {@code Secure} cookies to http://localhost, where Keycloak sets them so. */

    @Override
    public void close() throws IOException {
        http.close();
    }
}
