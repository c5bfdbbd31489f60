package io.github.vhd4j.spark;

import io.github.vhd4j.hadoop.HadoopOptions;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;

/** What the driver and every reader share: options for the hadoop module, error messages. */
final class Readers {
  private Readers() {}

  static HadoopOptions hadoopOptions(ReadOptions options) {
    List<Path> dirs = new ArrayList<>();
    for (String d : options.parentDirectories()) {
      dirs.add(new Path(d));
    }
    return HadoopOptions.defaults().withParentDirectories(dirs);
  }

  /** One line for an error column or a task failure: the exception's message, or its type. */
  static String message(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return m.replace('\n', ' ');
  }
}
