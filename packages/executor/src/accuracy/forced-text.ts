/**
 * The fixed text the quantization accuracy tests feed a model (teacher forcing): a short story in
 * the simple English of TinyStories, which stories260K was trained on.
 */
export const FORCED_STORY =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park " +
  "with her red ball. One day, she saw a big dog under a tree. The dog was sad because he was " +
  'lost. Lily wanted to help him. She said, "Do not be sad, dog. I will help you find your home." ' +
  "They walked together past the pond and the big hill. Soon they saw a boy who was crying. " +
  '"That is my dog!" said the boy. He was so happy. He hugged the dog and said thank you to Lily. ' +
  "Lily smiled and went home to tell her mom about her new friends. From that day on, Lily and " +
  "the boy played in the park every day.";
