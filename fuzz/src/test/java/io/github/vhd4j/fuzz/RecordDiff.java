package io.github.vhd4j.fuzz;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Objects;

/** Where two values first differ, for failure messages about large records (snapshots, results). */
final class RecordDiff {
  private RecordDiff() {}

  /** The path to the first difference and the two values there, or null when they are equal. */
  static String first(Object a, Object b) {
    return first("", a, b);
  }

  private static String first(String path, Object a, Object b) {
    if (Objects.equals(a, b)) {
      return null;
    }
    if (a != null && b != null && a.getClass() == b.getClass() && a.getClass().isRecord()) {
      for (RecordComponent c : a.getClass().getRecordComponents()) {
        try {
          String d = first(path + "." + c.getName(), c.getAccessor().invoke(a), c.getAccessor().invoke(b));
          if (d != null) {
            return d;
          }
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        String d = first(path + "[" + i + "]", x.get(i), y.get(i));
        if (d != null) {
          return d;
        }
      }
      return path + ".size: " + x.size() + " vs " + y.size();
    }
    return path + ": " + a + " vs " + b;
  }
}
