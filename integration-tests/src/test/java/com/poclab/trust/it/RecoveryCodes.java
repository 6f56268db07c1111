package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * Keycloak's recovery codes page, which every person sees right after enrolling their first
 * factor (CONFIGURE_TOTP's {@code add-recovery-codes} in realm-export): the person saves the
 * codes and continues.
 */
final class RecoveryCodes {

    static final String SETUP_FORM = "kc-recovery-codes-settings-form";

    private RecoveryCodes() {
    }

    /** The codes the page shows, code #1 first, as the person types them (dashes kept). */
    static List<String> shown(Document page) {
        List<String> codes = page.select("#kc-recovery-codes-list li").eachText();
        assertEquals(12, codes.size(), "Keycloak shows 12 recovery codes:\n" + page.text());
        return codes;
    }

    /** The person saves the codes shown after enrollment and continues (Entra's browser). */
    static Browser.Page save(Browser browser, Browser.Page page) {
        Element form = page.doc().getElementById(SETUP_FORM);
        assertNotNull(form, "recovery codes are offered after the first factor, page was:\n" + page.body());
        return browser.submit(page, form, Map.of());
    }

    /** The same in the security suite's raw browser. */
    static RawBrowser.Page save(RawBrowser browser, RawBrowser.Page page) {
        return browser.submit(page, page.form("#" + SETUP_FORM), Map.of());
    }

    /** The same in the browser Okta sends. */
    static PersonBrowser.Page save(PersonBrowser browser, PersonBrowser.Page page) {
        return browser.submit(page.form(SETUP_FORM), Map.of());
    }

    /** The same in Chromium, once the page shows: ticks "I have saved these codes", saves; the codes shown. */
    static List<String> save(WebDriver driver) {
        PasskeyBrowser.waitFor(driver, By.id(SETUP_FORM));
        List<String> codes = shown(Jsoup.parse(driver.getPageSource()));
        driver.findElement(By.id("kcRecoveryCodesConfirmationCheck")).click();
        driver.findElement(By.id("saveRecoveryAuthnCodesBtn")).click();
        return codes;
    }
}
