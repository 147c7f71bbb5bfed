package dev.imagegateway.provider;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.imagegateway.models.Deployment;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The weighted order a plan tries deployments in. */
class DeploymentOrderTest {

    private static Deployment d(String name, int weight) {
        return new Deployment(name, "openai", "m", null, null, null, weight, null, 1);
    }

    @Test
    void theFirstIsPickedInProportionToTheWeights() {
        List<Deployment> list = List.of(d("a", 6), d("b", 3), d("c", 1));
        Map<String, Integer> first = new HashMap<>();
        int rounds = 100_000;
        for (int i = 0; i < rounds; i++) {
            first.merge(DeploymentPlanner.ordered(list).get(0).name(), 1, Integer::sum);
        }
        assertEquals(0.6, first.get("a") / (double) rounds, 0.01);
        assertEquals(0.3, first.get("b") / (double) rounds, 0.01);
        assertEquals(0.1, first.get("c") / (double) rounds, 0.01);
    }

    @Test
    void everyDeploymentIsInThePlanOnceAndWeightZeroOnlyAfterTheOthersInListedOrder() {
        List<Deployment> list = List.of(d("standby-1", 0), d("a", 1), d("standby-2", 0), d("b", 1));
        for (int i = 0; i < 1000; i++) {
            List<String> order = DeploymentPlanner.ordered(list).stream().map(Deployment::name).toList();
            assertEquals(4, order.size());
            assertTrue(order.subList(0, 2).containsAll(List.of("a", "b")), order.toString());
            assertEquals(List.of("standby-1", "standby-2"), order.subList(2, 4));
        }
    }
}
