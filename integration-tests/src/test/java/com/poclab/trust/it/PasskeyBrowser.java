package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Headless Chromium (Keycloak's test framework web driver) with a DevTools virtual authenticator,
 * for the passkey tests: Entra's form POST, the held-back answer to Entra, waiting for an element.
 *
 * <p>POCLAB's answer is an auto-submitting form to login.microsoftonline.com; the shim stops that
 * one submit (this machine never talks to Entra) so that the test reads the form instead.
 */
final class PasskeyBrowser {

    /** Holds back form submits that leave POCLAB (the answer to Entra) and names WebAuthn keys. */
    private static final String BROWSER_SHIM = """
            const poclabSubmit = HTMLFormElement.prototype.submit;
            HTMLFormElement.prototype.submit = function () {
              if (new URL(this.action, location.href).host === location.host) { return poclabSubmit.call(this); }
              window.poclabHeldAnswer = true;
            };
            window.prompt = function () { return 'virtual security key'; };
            """;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private PasskeyBrowser() {
    }

    /**
     * Adds a CTAP2 USB virtual key (user verification, resident keys) and installs the shim on every
     * new page; remove the key with {@link HasVirtualAuthenticator#removeVirtualAuthenticator} when done.
     */
    static VirtualAuthenticator addKey(WebDriver driver) {
        VirtualAuthenticator key = ((HasVirtualAuthenticator) driver).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2).setTransport(VirtualAuthenticatorOptions.Transport.USB)
                .setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true).setHasResidentKey(true));
        ((HasCdp) driver).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", BROWSER_SHIM));
        return key;
    }

    /** Entra's browser-side form POST to POCLAB's authorization endpoint in realm eam. */
    static void entraPosts(WebDriver driver, String keycloakBase, Map<String, String> request) {
        driver.get(keycloakBase + "/realms/eam/.well-known/openid-configuration");
        ((JavascriptExecutor) driver).executeScript("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = arguments[0];
                for (const [name, value] of Object.entries(arguments[1])) {
                  const input = document.createElement('input');
                  input.type = 'hidden'; input.name = name; input.value = value;
                  form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
                """, keycloakBase + "/realms/eam/protocol/openid-connect/auth", request);
    }

    /** The hidden fields of POCLAB's auto-submitting answer to Entra, once the page has tried to post it. */
    static Map<String, String> heldAnswer(WebDriver driver) {
        new WebDriverWait(driver, WAIT).until(d ->
                Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return window.poclabHeldAnswer === true")));
        Element form = Jsoup.parse(driver.getPageSource()).selectFirst("form[action=" + TestEntra.REDIRECT_URI + "]");
        assertNotNull(form, "an answer form to Entra's redirect_uri");
        Map<String, String> fields = new LinkedHashMap<>();
        for (Element input : form.select("input")) {
            if (input.attr("type").equalsIgnoreCase("hidden")) {
                fields.put(input.attr("name"), input.attr("value"));
            }
        }
        return fields;
    }

    /** The first element matching {@code element}, waiting up to 20 s for it. */
    static WebElement waitFor(WebDriver driver, By element) {
        return new WebDriverWait(driver, WAIT).until(d -> {
            List<WebElement> found = d.findElements(element);
            return found.isEmpty() ? null : found.get(0);
        });
    }
}
