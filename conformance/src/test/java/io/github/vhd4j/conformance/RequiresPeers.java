package io.github.vhd4j.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that needs peer tools. Without them the class is reported as skipped, with
 * the missing tools as the reason; with {@code VHD4J_PEERS_REQUIRED=1} it runs anyway, and its
 * {@code @BeforeAll} ({@link Peers#require}) fails it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RequiresPeers.Condition.class)
@interface RequiresPeers {
  /** Tool names as {@link Peers#available} knows them. */
  String[] value();

  /** Disables the class when a tool is missing and peers are not required. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      RequiresPeers r = context.getElement().map(e -> e.getAnnotation(RequiresPeers.class)).orElse(null);
      if (r == null) {
        return ConditionEvaluationResult.enabled("no peers needed");
      }
      List<String> missing = new ArrayList<>();
      for (String t : r.value()) {
        if (!Peers.available(t)) {
          missing.add(t);
        }
      }
      if (missing.isEmpty() || Peers.required()) {
        return ConditionEvaluationResult.enabled("peers present, or required (then missing ones fail)");
      }
      return ConditionEvaluationResult.disabled("peer tool(s) " + missing + " not installed ("
          + Peers.INSTALL + "); set VHD4J_PEERS_REQUIRED=1 to make this a failure");
    }
  }
}
