package dev.bgevl.streams.encoder.mllm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.testkit.TinyMllmBundle;
import org.junit.jupiter.api.Test;

/** The prompts of BGE-VL-MLLM's prepare_text_input, byte for byte, from the bundle's templates. */
class PromptBuilderTest {

  static final MllmManifest.Spec SPEC = MllmBundle.load(TinyMllmBundle.path()).manifest().mllm();
  static final PromptBuilder PROMPTS =
      new PromptBuilder(SPEC.templates(), SPEC.defaultInstruction());
  static final byte[] IMAGE = {1};
  static final String CIR =
      "Retrieve the target image that best meets the combined criteria by using both the "
          + "provided image and the image retrieval instructions: ";

  @Test
  void shouldBuildQueryPromptsWithInstruction() {
    assertEquals(
        "[INST] \n <instruct> Find it:  <query>  a cat \n <image> [/INST]",
        PROMPTS.build(EncodeInput.query(IMAGE, "a cat", "Find it: ")));
    assertEquals(
        "[INST] \n <instruct> Find it:  <query>  a cat \n [/INST]",
        PROMPTS.build(EncodeInput.query(null, "a cat", "Find it: ")));
    assertEquals(
        "[INST] \n <instruct> Find it:  <query>  <image> [/INST]",
        PROMPTS.build(EncodeInput.query(IMAGE, null, "Find it: ")));
  }

  @Test
  void shouldBuildQueryPromptsWithoutInstruction() {
    assertEquals(
        "[INST] \n <instruct>  <query> a cat \n [/INST]",
        PROMPTS.build(EncodeInput.query(null, "a cat", null)));
    assertEquals(
        "[INST] \n <instruct>  <query> <image> [/INST]",
        PROMPTS.build(EncodeInput.query(IMAGE, null, null)));
  }

  @Test
  void shouldGiveComposedQueriesTheCardsInstructionWhenNoneIsSent() {
    assertEquals(CIR, SPEC.defaultInstruction());
    assertEquals(
        "[INST] \n <instruct> " + CIR + " <query>  make it red \n <image> [/INST]",
        PROMPTS.build(EncodeInput.query(IMAGE, "make it red", null)));
    assertNull(PROMPTS.instructionFor(EncodeInput.query(IMAGE, null, null)));
  }

  @Test
  void shouldBuildCandidatePrompts() {
    assertEquals("[INST]  <image> [/INST]", PROMPTS.build(EncodeInput.image(IMAGE)));
    assertEquals("[INST]  a cat \n [/INST]", PROMPTS.build(EncodeInput.text("a cat")));
    assertEquals(
        "[INST]  a cat \n <image> [/INST]", PROMPTS.build(EncodeInput.composed(IMAGE, "a cat")));
  }

  @Test
  void shouldInsertTextLiterallyEvenWhenItLooksLikeAPlaceholder() {
    assertEquals(
        "[INST]  {text} {instruction} \n [/INST]",
        PROMPTS.build(EncodeInput.text("{text} {instruction}")));
  }
}
