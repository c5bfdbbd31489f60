package io.github.vhd4j.kotlin

import io.github.vhd4j.CreateOptions
import io.github.vhd4j.DiskType
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.ProgressListener
import io.github.vhd4j.SizeMode
import io.github.vhd4j.Vhd
import java.nio.ByteBuffer
import java.nio.file.Files
import java.nio.file.Path
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** Creating, writing and converting images from Kotlin: options records with withers, lambdas for progress. */
internal class WritingTest {
  @TempDir
  lateinit var dir: Path

  @Test
  fun shouldCreateWriteAndConvertWithOptionsAndLambdas() {
    val base = dir.resolve("base.vhd")
    val data = ByteArray(100_000) { (it % 251).toByte() }
    Vhd.create(base, CreateOptions.dynamic(8L shl 20).withBlockSize(64L shl 10).withSizeMode(SizeMode.EXACT)).use { disk ->
      assertTrue(disk.isWritable)
      disk.write(12_345, ByteBuffer.wrap(data))
      disk.flush()
    }
    val child = dir.resolve("child.vhd")
    Vhd.create(child, CreateOptions.differencing(base)).use { disk ->
      assertEquals(DiskType.DIFFERENCING, disk.diskType)
      disk.newChannel().use { channel -> channel.position(0).write(ByteBuffer.wrap(byteArrayOf(1, 2, 3))) }
    }
    val reports = mutableListOf<Long>()
    val flat = dir.resolve("flat.vhd")
    Vhd.open(child).use { image ->
      Vhd.convert(image, flat, CreateOptions.fixed(0).withSizeMode(SizeMode.EXACT)) { done, _ -> reports += done }
    }
    Vhd.open(flat, OpenOptions.forWriting()).use { image ->
      val all = ByteBuffer.allocate(image.size.toInt())
      image.readFully(0, all)
      assertContentEquals(byteArrayOf(1, 2, 3), all.array().copyOfRange(0, 3))
      assertContentEquals(data, all.array().copyOfRange(12_345, 12_345 + data.size))
    }
    assertEquals(8L shl 20, reports.last())
    assertEquals(0, Vhd.planRepair(flat).size)
    assertTrue(Vhd.resize(flat, 16L shl 20, SizeMode.EXACT) == 16L shl 20)
    assertTrue(Files.size(flat) > 16L shl 20)
    Vhd.commit(child, OpenOptions.defaults(), ProgressListener.none())
  }
}
