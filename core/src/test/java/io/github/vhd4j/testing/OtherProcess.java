package io.github.vhd4j.testing;

import io.github.vhd4j.ImageInUseException;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Another JVM that opens an image, for tests of what one process's locks do to another's: POSIX
 * locks never conflict within one process, so only a second process can see them.
 *
 * <p>As a program: {@code OtherProcess read|write IMAGE} opens the image read-only or for writing,
 * prints {@code ready}, followed by {@code IMAGE_IN_USE} when it was warned that another process
 * writes the image, or {@code refused MESSAGE} when the open
 * throws {@link ImageInUseException}, and holds the image until its standard input closes.
 */
public final class OtherProcess implements AutoCloseable {
  private final Process process;
  private final String answer;

  private OtherProcess(Process process, String answer) {
    this.process = process;
    this.answer = answer;
  }

  /**
   * Starts a JVM that opens {@code image} and waits until it has answered.
   *
   * @param mode {@code read} or {@code write}
   * @param image the image
   * @return the running process
   * @throws IOException if it cannot be started or says nothing
   */
  public static OtherProcess open(String mode, Path image) throws IOException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OtherProcess.class.getName(), mode, image.toString())
        .redirectErrorStream(true).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    if (line == null || !(line.startsWith("ready") || line.startsWith("refused"))) {
      p.destroyForcibly();
      throw new IOException("the other process failed: " + line + " " + drain(r));
    }
    return new OtherProcess(p, line);
  }

  /**
   * Returns what the process answered: {@code ready}, {@code ready IMAGE_IN_USE}, or
   * {@code refused} and the message.
   *
   * @return the first line it printed
   */
  public String answer() {
    return answer;
  }

  /** Lets the process close the image and exit, and waits for it. */
  @Override
  public void close() throws IOException {
    try (OutputStream in = process.getOutputStream()) {
      in.write('\n');
    } catch (IOException e) {
      // Already gone.
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String drain(BufferedReader r) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String l = r.readLine(); l != null; l = r.readLine()) {
      sb.append(l).append('\n');
    }
    return sb.toString();
  }

  /**
   * Opens the image as {@code args[0]} says and holds it until standard input ends or has a line.
   *
   * @param args {@code read|write IMAGE}
   * @throws IOException if the image cannot be opened for another reason than a lock
   */
  public static void main(String[] args) throws IOException {
    Path image = Path.of(args[1]);
    OpenOptions options = args[0].equals("write") ? OpenOptions.forWriting() : OpenOptions.defaults();
    VhdImage held;
    try {
      held = Vhd.open(image, options);
    } catch (ImageInUseException e) {
      System.out.println("refused " + e.getMessage());
      System.out.flush();
      System.in.read();
      return;
    }
    try (held) {
      boolean inUse = false;
      for (Problem w : held.getWarnings()) {
        inUse |= w.code() == ProblemCode.IMAGE_IN_USE;
      }
      System.out.println(inUse ? "ready IMAGE_IN_USE" : "ready");
      System.out.flush();
      System.in.read();
    }
  }
}
