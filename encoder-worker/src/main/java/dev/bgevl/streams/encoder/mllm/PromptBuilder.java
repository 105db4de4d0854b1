package dev.bgevl.streams.encoder.mllm;

import dev.bgevl.streams.encoder.EncodeInput;
import java.util.Objects;

/**
 * BGE-VL-MLLM's prompts ({@code prepare_text_input} of its remote code), byte for byte.
 *
 * <p>Query: {@code "[INST] \n <instruct> " + instruction + " <query> "} (without an instruction:
 * {@code "[INST] \n <instruct> <query>"}), then {@code " " + text + " \n"} when there is text,
 * {@code " <image>"} when there is an image, and {@code " [/INST]"}. Candidate: {@code "[INST] "}
 * and the same continuation. A composed query without an instruction gets the model card's
 * composed-retrieval instruction, since that is the task BGE-VL-MLLM was tuned for; image-only and
 * text-only queries without one use the no-instruction prompt, as the reference does.
 */
public final class PromptBuilder {

  private static final String INSTRUCTION = "{instruction}";
  private static final String TEXT = "{text}";

  private final MllmManifest.Templates templates;
  private final String defaultInstruction;

  public PromptBuilder(MllmManifest.Templates templates, String defaultInstruction) {
    this.templates = Objects.requireNonNull(templates, "templates");
    this.defaultInstruction = Objects.requireNonNull(defaultInstruction, "defaultInstruction");
    if (!templates.query().contains(INSTRUCTION) || !templates.text().contains(TEXT)) {
      throw new IllegalArgumentException(
          "templates.query needs {instruction} and templates.text needs {text}");
    }
  }

  /**
   * The instruction a query runs with: its own, else the default for composed queries, else none.
   */
  public String instructionFor(EncodeInput input) {
    if (!input.isQuery()) {
      return null;
    }
    if (input.instruction() != null) {
      return input.instruction();
    }
    return input.hasImage() && input.hasText() ? defaultInstruction : null;
  }

  /** The prompt of {@code input}, with one image placeholder where the image goes. */
  public String build(EncodeInput input) {
    StringBuilder s = new StringBuilder(256);
    if (input.isQuery()) {
      String instruction = instructionFor(input);
      if (instruction == null) {
        s.append(templates.queryWithoutInstruction());
      } else {
        fill(s, templates.query(), INSTRUCTION, instruction);
      }
    } else {
      s.append(templates.candidate());
    }
    if (input.hasText()) {
      fill(s, templates.text(), TEXT, input.text());
    }
    if (input.hasImage()) {
      s.append(templates.image());
    }
    return s.append(templates.end()).toString();
  }

  // plain concatenation, not String.replace: a value may itself contain "{text}"
  private static void fill(StringBuilder s, String template, String placeholder, String value) {
    int at = template.indexOf(placeholder);
    s.append(template, 0, at)
        .append(value)
        .append(template, at + placeholder.length(), template.length());
  }
}
