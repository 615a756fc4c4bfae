package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** When the budget asks for a full collection, fed the outcomes of collections. */
class OldGenerationBudgetTest {

    private static final long MB = 1 << 20;
    private static final long FLOOR = OldGenerationBudget.FLOOR_BYTES;

    private int requests;
    private final OldGenerationBudget budget = new OldGenerationBudget("PS Old Gen", () -> requests++);

    @Test
    void belowTheFloorNothingIsAsked() {
        budget.afterCollection(false, 100 * MB);
        budget.afterCollection(false, FLOOR);
        assertEquals(0, requests);
        budget.afterCollection(false, FLOOR + 1);
        assertEquals(1, requests);
    }

    @Test
    void asksOncePerCrossingUntilAFullCollectionAnswers() {
        budget.afterCollection(false, FLOOR + MB);
        budget.afterCollection(false, FLOOR + 2 * MB);
        budget.afterCollection(false, FLOOR + 3 * MB);
        assertEquals(1, requests, "no full collection came (explicit GC disabled): ask no more");
        budget.afterCollection(true, 200 * MB);
        budget.afterCollection(false, FLOOR + 4 * MB);
        assertEquals(2, requests, "after a full collection, a new crossing asks again");
    }

    @Test
    void aLargeLiveStateMovesTheLimitToAQuarterAboveIt() {
        long live = 600 * MB;
        budget.afterCollection(true, live);
        budget.afterCollection(false, live + live / 4);
        assertEquals(0, requests, "a quarter above the live state is still within the budget");
        budget.afterCollection(false, live + live / 4 + 1);
        assertEquals(1, requests);
    }
}
