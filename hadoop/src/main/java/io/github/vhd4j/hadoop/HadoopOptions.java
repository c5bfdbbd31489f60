package io.github.vhd4j.hadoop;

import java.util.List;
import java.util.Objects;
import org.apache.hadoop.fs.Path;

/**
 * How {@link HadoopImages} reaches files on a Hadoop file system. Immutable; start from
 * {@link #defaults()} and change what you need with the {@code with...} methods.
 *
 * @param parentDirectories directories (and their subdirectories) from which a differencing
 *     disk's parents may be opened, in addition to the child's own directory (files directly in
 *     it); unqualified paths are taken on the child's file system. A parent locator is written by
 *     whoever wrote the image, so nothing outside these directories is ever opened.
 * @param readPolicy the read policy asked of {@link org.apache.hadoop.fs.FileSystem#openFile},
 *     Hadoop's {@code fs.option.openfile.read.policy}: {@code random} by default, since an image
 *     is read where its tables point; a comma-separated list falls back in order
 */
public record HadoopOptions(List<Path> parentDirectories, String readPolicy) {

  /** The default read policy: {@value}. */
  public static final String DEFAULT_READ_POLICY = "random";

  private static final HadoopOptions DEFAULTS = new HadoopOptions(List.of(), DEFAULT_READ_POLICY);

  /**
   * Creates options, copying the list.
   *
   * @param parentDirectories extra directories parents may come from
   * @param readPolicy the read policy
   * @throws IllegalArgumentException if {@code readPolicy} is blank
   */
  public HadoopOptions {
    parentDirectories = List.copyOf(parentDirectories);
    Objects.requireNonNull(readPolicy, "readPolicy");
    if (readPolicy.isBlank()) {
      throw new IllegalArgumentException("readPolicy must not be blank");
    }
  }

  /**
   * Returns the defaults: parents from the child's directory only, random reads.
   *
   * @return the default options
   */
  public static HadoopOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a copy with other extra parent directories.
   *
   * @param value the directories (and their subdirectories) parents may also come from
   * @return the changed copy
   */
  public HadoopOptions withParentDirectories(List<Path> value) {
    return new HadoopOptions(value, readPolicy);
  }

  /**
   * Returns a copy with another read policy.
   *
   * @param value the policy, for example {@code random}, {@code sequential} or {@code adaptive}
   * @return the changed copy
   */
  public HadoopOptions withReadPolicy(String value) {
    return new HadoopOptions(parentDirectories, value);
  }
}
