package io.github.vhd4j.kotlin

import io.github.vhd4j.CreateOptions
import io.github.vhd4j.DiskImages
import io.github.vhd4j.Durability
import io.github.vhd4j.ImageInUseException
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.SizeMode
import io.github.vhd4j.Vhd
import java.nio.ByteBuffer
import java.nio.file.Files
import java.nio.file.Path
import kotlin.test.assertContains
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * Locking from Kotlin: a held file refuses writers as a typed exception, `withLocking(false)` opts
 * out, and the maintenance overloads take the same options with their progress lambdas last.
 */
internal class LockingTest {
  @TempDir
  lateinit var dir: Path

  private val block = 64L shl 10

  private fun disk(name: String): Path {
    val path = dir.resolve(name)
    Vhd.create(path, CreateOptions.dynamic(8 * block).withBlockSize(block).withSizeMode(SizeMode.EXACT)).use {
      it.write(block, ByteBuffer.wrap(ByteArray(4096) { 7 }))
      // Written, then zeroed: an allocated block of zeros, which compact drops.
      it.write(3 * block, ByteBuffer.wrap(ByteArray(4096) { 1 }))
      it.write(3 * block, ByteBuffer.wrap(ByteArray(4096)))
    }
    return path
  }

  @Test
  fun shouldRefuseASecondWriterWithATypedExceptionUnlessLockingIsOff() {
    val path = disk("held.vhd")
    val locked = OpenOptions.defaults()
    Vhd.holdForWriting(path, locked).use {
      val refused = assertFailsWith<ImageInUseException> { Vhd.open(path, locked.withWritable(true)) }
      assertEquals(path.toString(), refused.resource)
      assertContains(refused.message.orEmpty(), "open for writing elsewhere in this process")
      assertFailsWith<ImageInUseException> { Vhd.resize(path, 16 * block, SizeMode.EXACT, locked) }
      // Readers may share a file with this process's writer.
      Vhd.open(path, locked).use { assertEquals(8 * block, it.size) }
      // Without locking nothing is checked.
      val unlocked = locked.withLocking(false)
      assertEquals(16 * block, Vhd.resize(path, 16 * block, SizeMode.EXACT, unlocked))
    }
    Vhd.open(path, OpenOptions.forWriting()).use { assertEquals(16 * block, it.size) }
  }

  @Test
  fun shouldTakeOptionsInEveryMaintenanceOverload() {
    val path = disk("disk.vhd")
    val options = OpenOptions.defaults().withLocking(false)
    val before = Files.size(path)
    var lastDone = -1L
    val saved = Vhd.compact(path, options) { done, _ -> lastDone = done }
    assertEquals(before - Files.size(path), saved)
    assertEquals(8 * block, lastDone)
    assertTrue(saved > 0, "the zero block was dropped")
    assertEquals(emptyList(), Vhd.planRepair(path, options))
    assertEquals(emptyList(), Vhd.repair(path, options))

    val raw = dir.resolve("disk.raw")
    Vhd.open(path, options).use { image ->
      assertEquals(Files.size(path), image.fileSize)
      DiskImages.convertToRaw(image, raw, options.withDurability(Durability.NONE)) { done, total ->
        assertTrue(done <= total)
      }
    }
    val copy = dir.resolve("copy.raw")
    DiskImages.convertRawToRaw(raw, copy, options) { done, total -> assertTrue(done <= total) }
    assertContentEquals(Files.readAllBytes(raw), Files.readAllBytes(copy))
    assertEquals(7, Files.readAllBytes(copy)[block.toInt()])
  }
}
