/* The homework's ways to add one vector per rank, shared by the sum
 * scenarios and compare. On entry every rank's sum holds its own values;
 * on return the root's holds the total. partial is room for n doubles
 * (only ranks that receive use it). */
#ifndef MPILOOM_SUMS_H
#define MPILOOM_SUMS_H

int sum_linear(double *sum, double *partial, long n, int root, int rank, int size);
int sum_tree(double *sum, double *partial, long n, int root, int rank, int size);

/* Every rank's starting values: (rank+1)*(j+1). */
void sum_values(double *v, long n, int rank);
/* Element j of the total over size ranks is size(size+1)/2*(j+1). */
int sum_is_right(const double *sum, long n, int size);

#endif
