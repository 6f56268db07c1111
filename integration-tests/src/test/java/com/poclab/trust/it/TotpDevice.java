package com.poclab.trust.it;

import java.util.Calendar;

import org.keycloak.models.utils.TimeBasedOTP;

/**
 * The person's authenticator app: computes TOTP codes from the secret enrolled through
 * Keycloak's setup page (realm OTP policy: HmacSHA1, 6 digits, 30 s, look-around 1).
 * Keycloak refuses a code twice, so each sign-in uses a time step not used before.
 */
public final class TotpDevice {

    private static final int PERIOD_SECONDS = 30;
    private final String secret;
    private long lastStep = Long.MIN_VALUE;

    public TotpDevice(String secret) {
        this.secret = secret;
    }

    public String secret() {
        return secret;
    }

    /** A fresh valid code: the current step, or the next one (inside Keycloak's look-around window). */
    public String nextCode() {
        long now = System.currentTimeMillis() / 1000 / PERIOD_SECONDS;
        long step = Math.max(now, lastStep + 1);
        if (step > now + 1) {
            sleepUntilStep(step - 1);
        }
        lastStep = step;
        return codeAt(step);
    }

    /** A code that is certainly wrong now. */
    public String wrongCode() {
        long now = System.currentTimeMillis() / 1000 / PERIOD_SECONDS;
        String code = codeAt(now + 10);
        return code.equals(codeAt(now)) || code.equals(codeAt(now + 1)) || code.equals(codeAt(now - 1)) ? "000000" : code;
    }

    private String codeAt(long step) {
        TimeBasedOTP otp = new TimeBasedOTP("HmacSHA1", 6, PERIOD_SECONDS, 1);
        Calendar at = Calendar.getInstance();
        at.setTimeInMillis(step * PERIOD_SECONDS * 1000L + 1000L);
        otp.setCalendar(at);
        return otp.generateTOTP(secret);
    }

    private static void sleepUntilStep(long step) {
        long wait = step * PERIOD_SECONDS * 1000L - System.currentTimeMillis() + 200;
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
