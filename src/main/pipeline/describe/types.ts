/** What a describer says about one InD image: its raw answer and the context elements parsed from it. */
export interface Description {
  rawAnswer: string;
  elements: string[];
}

/** Lists the context elements of an image other than its main object (docs/METHOD.md §2). */
export interface Describer {
  describe(imagePath: string, className: string): Promise<Description>;
}
