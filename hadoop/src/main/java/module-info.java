/**
 * VHD and VHDX images, and their parents, on any Hadoop {@code FileSystem}: hdfs, s3a, abfs, gs or
 * file, read through positioned reads ({@link io.github.vhd4j.hadoop.HadoopImages}).
 */
// Hadoop's shaded client jar has no Automatic-Module-Name: its module name is derived from the jar's
// file name (hadoop-client-api-3.5.0.jar), which javac's lint calls unstable. It is the only name the
// jar has, and Hadoop types (Path, Configuration, FileSystem) are part of this module's API, hence
// the transitive requirement.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.github.vhd4j.hadoop {
  requires transitive io.github.vhd4j;
  requires transitive hadoop.client.api;
  requires static transitive org.jspecify;

  exports io.github.vhd4j.hadoop;
}
