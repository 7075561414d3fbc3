/** cli-table3 borders without a line between every row (a long table stays readable). */
export const NO_ROW_LINES = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
