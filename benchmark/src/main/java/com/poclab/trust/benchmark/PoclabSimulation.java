package com.poclab.trust.benchmark;

import io.gatling.javaapi.core.Simulation;

/** One Gatling run of the plan {@link BenchmarkRunner} handed over (a phase of the benchmark, or the smoke run). */
public class PoclabSimulation extends Simulation {

    public PoclabSimulation() {
        LoadPlan plan = LoadPlan.take();
        setUp(plan.populations()).protocols(plan.protocol()).assertions(plan.assertions());
    }
}
