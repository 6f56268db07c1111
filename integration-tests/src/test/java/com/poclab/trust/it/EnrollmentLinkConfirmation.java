package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The page the first opening of an enrollment link shows (what a mail scanner's GET gets): a
 * confirmation whose "proceed" link carries this browser's authentication session. Proceeding
 * claims the link; only then does Keycloak's setup page follow.
 */
final class EnrollmentLinkConfirmation {

    /** The proceed link on Keycloak's info page. */
    static final String PROCEED = "#kc-info-message a[href*='/login-actions/action-token']";
    static final String TEXT = "It works once and only in this browser";

    private EnrollmentLinkConfirmation() {
    }

    /** The proceed link of a confirmation page, after checking it is one. */
    static String proceedLink(int status, Document page) {
        assertEquals(200, status, page.text());
        assertTrue(page.text().contains(TEXT), "the enrollment link's confirmation page, got:\n" + page.text());
        Element proceed = page.selectFirst(PROCEED);
        assertNotNull(proceed, "a proceed link:\n" + page.html());
        return proceed.absUrl("href");
    }

    /** The person opens the link and proceeds: the page after the confirmation (the factor's setup, or a refusal). */
    static Browser.Page open(Browser browser, String link) {
        return proceed(browser, browser.get(link));
    }

    static Browser.Page proceed(Browser browser, Browser.Page confirmation) {
        return browser.get(proceedLink(confirmation.status(), confirmation.doc()));
    }

    /** The same in Chromium: opens the link and clicks proceed. */
    static void open(WebDriver driver, String link) {
        driver.get(link);
        PasskeyBrowser.waitFor(driver, By.cssSelector(PROCEED)).click();
    }
}
