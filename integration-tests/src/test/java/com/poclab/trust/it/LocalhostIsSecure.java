package com.poclab.trust.it;

import java.util.List;

import org.apache.http.Header;
import org.apache.http.cookie.Cookie;
import org.apache.http.cookie.CookieOrigin;
import org.apache.http.cookie.CookieSpec;
import org.apache.http.cookie.MalformedCookieException;
import org.apache.http.impl.cookie.RFC6265LaxSpec;

/**
 * Browsers treat http://localhost as a secure context and send it {@code Secure} cookies,
 * which is how Keycloak marks its cookies there; Apache's cookie specs would drop them.
 */
final class LocalhostIsSecure implements CookieSpec {
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
