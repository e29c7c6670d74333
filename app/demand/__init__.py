"""Job demand (岗位需求): enterprises' vacancies that training is organised against."""
