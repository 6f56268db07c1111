package com.poclab.trust.benchmark;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The enrolled people of one scenario and their authenticator apps. Keycloak refuses a TOTP code a
 * person already used (its single-use store keys credential + code for the look-around window), so
 * each sign-in of a person takes a time step not used before, the current one or the next. People
 * rotate through a queue and none is in two flows at once: with N people at T flows/s a person comes
 * back every N/T seconds, and two sign-ins per person per 30 s step are possible, so N must exceed
 * 15 T. {@link #exhausted()} counts the flows that had to wait for that and were refused.
 */
public final class Population {

    /** One person: how they are named in the realm, their TOTP secret, their Entra object id. */
    public static final class Person {
        private final String username;
        private final String totpSecret;
        private final String entraObjectId;
        private long lastStep = Long.MIN_VALUE;
        private String lastCode = "";

        Person(String username, String totpSecret, String entraObjectId) {
            this.username = username;
            this.totpSecret = totpSecret;
            this.entraObjectId = entraObjectId;
        }

        public String username() {
            return username;
        }

        public String totpSecret() {
            return totpSecret;
        }

        public String entraObjectId() {
            return entraObjectId;
        }

        synchronized boolean mayUseCurrentStep(long now) {
            return lastStep < now + 1;
        }

        /** The next code the authenticator app shows that this person has not entered yet. */
        synchronized String nextCode(AtomicInteger exhausted) {
            long now = Totp.currentStep();
            long step = Math.max(now, lastStep + 1);
            String code = Totp.code(totpSecret, step);
            if (code.equals(lastCode)) {
                step++;
                code = Totp.code(totpSecret, step);
            }
            if (step > now + 1) {
                exhausted.incrementAndGet();
            }
            lastStep = step;
            lastCode = code;
            return code;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final List<Person> everyone = new ArrayList<>();
    private final ConcurrentLinkedQueue<Person> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger exhausted = new AtomicInteger();

    /** {@code count} people named {@code prefix-n@domain}, each with a random 20-character TOTP secret. */
    public static Population create(String prefix, String domain, int count) {
        Population population = new Population();
        for (int i = 0; i < count; i++) {
            Person person = new Person(prefix + "-" + i + "@" + domain, randomSecret(), java.util.UUID.randomUUID().toString());
            population.everyone.add(person);
            population.idle.add(person);
        }
        return population;
    }

    public List<Person> everyone() {
        return List.copyOf(everyone);
    }

    /** A person who is in no flow now, preferring one who may still sign in during the current step. */
    public Person take() {
        long now = Totp.currentStep();
        for (int tries = everyone.size(); tries > 0; tries--) {
            Person person = idle.poll();
            if (person == null) {
                break;
            }
            if (person.mayUseCurrentStep(now)) {
                return person;
            }
            idle.add(person);
        }
        Person person = idle.poll();
        if (person == null) {
            throw new IllegalStateException("every person of the population is in a flow: more people than concurrent flows needed");
        }
        return person;
    }

    public String nextCode(Person person) {
        return person.nextCode(exhausted);
    }

    public void giveBack(Person person) {
        idle.add(person);
    }

    public int exhausted() {
        return exhausted.get();
    }

    public int size() {
        return everyone.size();
    }

    static String randomSecret() {
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            secret.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }
}
