package io.github.vhd4j.kotlin

import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.nio.file.Files
import kotlin.test.assertContains
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

import io.github.vhd4j.CreateOptions
import io.github.vhd4j.Vhd
import io.github.vhd4j.VhdFormatException
import java.nio.file.Path

fun main(args: Array<String>) {
    val (input, output) = args.map { Path.of(it) }
    try {
        Vhd.open(input).use { image ->
            println("${image.diskType}, ${image.size} bytes, size from ${image.sizeInfo.source}")
            image.map().filter { it.data }.forEach { println("data at ${it.start}, ${it.length} bytes") }
            Vhd.convert(image, output, CreateOptions.dynamic(0)) { done, total -> println("$done of $total") }
        }
        println(Vhd.check(output).problems.ifEmpty { "no problems" })
    } catch (e: VhdFormatException) {
        println("${e.code} at offset ${e.fileOffset}: ${e.message}")
    }
}

/**
 * The README's Kotlin program: the code above is that block character for character (checked
 * below), and runs here on the image the README's tour uses.
 */
internal class ReadmeExampleTest {
    @TempDir
    lateinit var dir: java.nio.file.Path

    @Test
    fun shouldShowTheProgramThisFileHolds() {
        val readme = Files.readString(Path.of("../README.md"))
        val block = Regex("```kotlin\n(.*?)```", RegexOption.DOT_MATCHES_ALL).find(readme)?.groupValues?.get(1)
        val source = Files.readString(Path.of("src/test/kotlin/io/github/vhd4j/kotlin/ReadmeExample.kt"))
        assertTrue(block != null && source.contains(block), "README's Kotlin block is not in ReadmeExample.kt verbatim")
    }

    @Test
    fun shouldPrintTheDemoImageAndConvertIt() {
        val copy = dir.resolve("copy.vhd")
        val captured = ByteArrayOutputStream()
        val saved = System.out
        System.setOut(PrintStream(captured, true, Charsets.UTF_8))
        try {
            main(arrayOf("../examples/demo.vhd", copy.toString()))
        } finally {
            System.setOut(saved)
        }
        val out = captured.toString(Charsets.UTF_8).lines()
        assertEquals("DYNAMIC, 8390656 bytes, size from CHS", out[0])
        assertEquals("data at 0, 2097152 bytes", out[1])
        assertEquals("data at 6291456, 2097152 bytes", out[2])
        assertContains(out, "8390656 of 8390656")
        assertContains(out, "no problems")
        Vhd.open(copy).use { assertEquals(8390656L, it.size) }
    }
}
