package com.poclab.trust.benchmark;

import java.util.List;
import java.util.function.Supplier;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * What the next Gatling run injects. Gatling instantiates {@link PoclabSimulation} itself and its DSL
 * works only while it does, so the runner hands over a recipe that the simulation's constructor
 * follows: one run at a time, in this JVM.
 */
public record LoadPlan(List<PopulationBuilder> populations, HttpProtocolBuilder protocol, List<Assertion> assertions) {

    private static volatile Supplier<LoadPlan> next;

    static void handOver(Supplier<LoadPlan> plan) {
        next = plan;
    }

    static LoadPlan take() {
        Supplier<LoadPlan> plan = next;
        if (plan == null) {
            throw new IllegalStateException("PoclabSimulation runs from BenchmarkRunner, which sets its load plan");
        }
        next = null;
        return plan.get();
    }
}
