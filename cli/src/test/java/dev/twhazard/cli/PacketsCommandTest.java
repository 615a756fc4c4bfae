package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PacketsCommandTest {

    @Test
    void timeHasTheFileResolution() {
        assertEquals("1795420280.432511", PacketsCommand.time(1_795_420_280_432_511_000L, 6));
        assertEquals("1795420280.432511123", PacketsCommand.time(1_795_420_280_432_511_123L, 9));
        assertEquals("0.000000", PacketsCommand.time(0, 6));
    }

    @Test
    void timeBefore1970ReadsAsItsValue() {
        // A pcapng timestamp past 2^63 ns wraps to a negative time (the reader warns); the text
        // must still be the number: -505.425287 s, not floor(-505.4) = -506 followed by .574713.
        assertEquals("-505.425287", PacketsCommand.time(-505_425_287_000L, 6));
        assertEquals("-0.000000001", PacketsCommand.time(-1, 9));
        assertEquals("-9223372036.854775808", PacketsCommand.time(Long.MIN_VALUE, 9));
    }
}
