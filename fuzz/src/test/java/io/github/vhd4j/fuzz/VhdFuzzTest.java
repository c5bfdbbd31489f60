package io.github.vhd4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A vhd4j fuzz target. In a plain {@code mvn test} it runs as a parameterised test over the empty
 * input and every file under {@code <Class>Inputs/<method>/} (regression mode). With {@code -Pfuzz}
 * (JAZZER_FUZZ=1) Jazzer fuzzes it; {@code -Dfuzz.duration} (Jazzer's {@code jazzer.max_duration})
 * overrides the duration given here.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@FuzzTest(maxDuration = "10m")
@interface VhdFuzzTest {}
