import { createRng } from "../../src/index.js";

/**
 * Short stories written for this benchmark (TinyStories style, so stories260K reads them as its
 * own kind of text). The n-gram task gives a story and then its opening again: continuing means
 * copying, the case prompt lookup is made for (summarising or editing a given text).
 */
const STORIES = [
  "Tom had a red kite. Every day he ran to the hill with his dog Max. One windy day the kite flew so high that it got stuck in a big tree. Max barked and barked. A kind bird pulled the string with its beak and the kite fell down. Tom said thank you to the bird and they played together until the sun went down.",
  "Mia liked to bake cakes with her mom. One morning they made a cake with pink icing. Mia put the cake on the table and went to get a spoon. When she came back, the cat was on the table! The cat had icing on its nose. Mia laughed and said the cat could have a little piece.",
  "Ben found a small box in the garden. Inside the box was a shiny key. He looked for a door that the key could open. He tried the shed, the gate and the car. At last he tried the old chest in his room. It opened, and inside were his grandpa's toy trains. Ben was so happy.",
  "Lucy was a little duck who did not like the rain. Her friends swam in the pond, but Lucy stayed under a big leaf. Her mom said the rain was good for the flowers. Lucy looked at the flowers and saw that they were happy. So she jumped in the pond and splashed with her friends.",
  "Sam wanted to be the fastest boy in the park. He ran every morning with his sister Anna. One day there was a race. Sam ran and ran, but Anna fell and hurt her knee. Sam stopped to help her up. They did not win the race, but everyone said Sam was a good brother.",
  "Lily had a big teddy bear named Bob. She took Bob to the beach. They built a sand castle with a tall tower. A wave came and washed the castle away. Lily was sad, but Bob looked funny with sand on his head. Lily laughed and they built a new castle far from the water.",
  "Tim and his dad went to the farm. They saw cows, pigs and a brown horse. The horse ate an apple from Tim's hand. Tim wanted to ride the horse. The farmer helped him up and the horse walked around the field. Tim waved to his dad and smiled all the way.",
  "Anna had a garden with many flowers. One day a little bunny came and ate her carrots. Anna was angry at first. Then she saw that the bunny was very hungry and thin. She gave the bunny some more carrots and a bowl of water. The bunny came back every day to be her friend.",
];

/** The n-gram task for stories260K, stream `i`: a story, a blank line, and its first sentence again. */
export function copyStoryPrompt(i: number): string {
  const story = STORIES[i % STORIES.length] as string;
  const first = story.slice(0, story.indexOf(".") + 1);
  return `${story}\n\n${first}`;
}

/**
 * The n-gram task for a random model (synthetic tokenizer): BOS, a seeded random "text" of
 * `len` ids from `[firstId, vocabSize)`, then its first quarter again. A random model does not
 * copy, but its greedy output soon falls into a loop, which prompt lookup catches.
 */
export function copyIdsPrompt(i: number, vocabSize: number, len = 64, firstId = 259): number[] {
  const rng = createRng(1000 + i);
  const text = Array.from({ length: len }, () => firstId + Math.floor(rng.next() * (vocabSize - firstId)));
  return [1, ...text, ...text.slice(0, len / 4)];
}

/** A plain story opening for the draft-model case, stream `i` (no copying involved). */
export function storyOpening(i: number): string {
  const story = STORIES[i % STORIES.length] as string;
  return story.slice(0, story.indexOf(".") + 1);
}
